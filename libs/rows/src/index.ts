export * from './blend';
export * from './context';
export * from './deadline';
export * from './last-pages';
export * from './near-cache';
export * from './rerank';
export * from './rows-service';
export * from './row-sources';
