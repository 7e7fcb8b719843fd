export * from './temporal';
export * from './registrations';
export * from './schedules';
export * from './workflow-history';
export * from './rollback';
