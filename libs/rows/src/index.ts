export * from './blend';
export * from './rows-service';
