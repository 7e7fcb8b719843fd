export * from './version';
export * from './popularity-pipeline';
export * from './training-pipeline';
