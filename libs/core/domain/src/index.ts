export * from './ids';
export * from './validation';
export * from './unavailable';
export * from './play';
export * from './catalog';
export * from './rows';
export * from './affinities';
export * from './catalog-file';
