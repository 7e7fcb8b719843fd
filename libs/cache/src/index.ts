export * from './cache';
export * from './keys';
