export * from './list-reader';
export * from './reference-data';
export * from './similar-items';
export * from './results-listener';
