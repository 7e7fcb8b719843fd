export * from './version';
export * from './all-workflows';
export * from './activity-context';
export * from './training/training-activities';
export * from './training/holdout';
export * from './popularity/popularity-activities';
export * from './popularity/affinity-activities';
export * from './worker';
