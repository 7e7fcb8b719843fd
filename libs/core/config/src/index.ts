export * from './config';
export * from './config-table';
