export * from './metrics';
export * from './mt19937';
export * from './split';
export * from './ratings';
export * from './loaders';
export * from './movielens-catalog';
export * from './train-test';
export * from './evaluate';
