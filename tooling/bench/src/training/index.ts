export * from './synthetic-matrix';
export * from './python-env';
export * from './train-bench';
export * from './score-bench';
export * from './ease-bench';
export * from './bpr-bench';
