export * from './training';
export * from './online';
export * from './freshness';
export * from './percentiles';
export * from './import';
export * from './pipeline';
