export * from './freshness';
export * from './prepare';
export * from './rows-client';
export * from './stream';
