export * from './open-loop';
export * from './online-bench';
