export * from './demo';
export * from './default-algorithms';
