export * from './servers';
export * from './health';
export * from './processes';
export * from './stack';
export * from './apps';
export * from './app-process';
export * from './replicas';
export * from './proxy';
