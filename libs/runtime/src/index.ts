export * from './platform';
export * from './temporal';
