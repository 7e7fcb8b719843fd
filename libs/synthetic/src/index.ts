export * from './random';
export * from './generator';
