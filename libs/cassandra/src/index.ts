export * from './client';
export * from './migrations';
export * from './catalog-repository';
export * from './plays-repository';
export * from './lists-repository';
