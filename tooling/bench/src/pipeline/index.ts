export * from './history-shape';
export * from './pipeline-bench';
export * from './workers';
