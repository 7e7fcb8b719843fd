export * from './affinities';
export * from './affinities-repository';
