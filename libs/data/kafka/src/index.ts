export * from './topics';
export * from './client';
export * from './plays-producer';
