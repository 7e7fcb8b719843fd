export * from './random';
export * from './generator';
export * from './ratings';
