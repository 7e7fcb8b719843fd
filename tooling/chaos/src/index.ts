export * from './chaos';
export * from './faults';
export * from './ledger';
export * from './report';
