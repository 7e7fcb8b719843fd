export * from './popularity-activities';
export * from './offline-worker';
