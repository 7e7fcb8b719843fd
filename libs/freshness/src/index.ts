export * from './freshness';
export * from './percentiles';
export * from './prepare';
export * from './rows-client';
export * from './stream';
