export * from './client';
export * from './migrations';
export * from './catalog-repository';
export * from './plays-repository';
export * from './lists-repository';
export * from './blob-store';
export * from './models-repository';
export * from './registrations-repository';
