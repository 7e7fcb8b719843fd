export * from './play-rows';
export * from './line-reader';
export * from './checkpoint';
export * from './rejects-file';
export * from './history-writer';
export * from './progress';
export * from './plays-import';
export * from './movielens-import';
