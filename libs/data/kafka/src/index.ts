export * from './topics';
export * from './client';
export * from './plays-producer';
export * from './dead-letters';
export * from './connect';
export * from './catalog-updates';
export * from './member-updates';
export * from './rules-updates';
