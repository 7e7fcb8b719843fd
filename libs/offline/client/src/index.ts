export * from './temporal';
export * from './pipelines';
export * from './publish-version';
export * from './registrations';
export * from './schedules';
export * from './workflow-history';
export * from './rollback';
