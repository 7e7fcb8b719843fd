export * from './popularity';
export * from './checksum';
