export * from './version';
export * from './all-workflows';
export * from './all-activities';
export * from './activity-context';
export * from './training/activities';
export * from './training/holdout';
export * from './popularity/activities';
export * from './worker';
