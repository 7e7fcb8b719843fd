export * from './popularity';
export * from './checksum';
export * from './algorithm';
export * from './matrix';
export * from './top-k';
export * from './serialization';
export * from './popularity-algorithm';
export * from './registry';
