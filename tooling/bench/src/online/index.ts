export * from './open-loop';
export * from './online-bench';
export * from './overload-bench';
export * from './bench-rules';
