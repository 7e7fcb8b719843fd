export * from './import-bench';
