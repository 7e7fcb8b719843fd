export * from './tokens';
export * from './verified-tokens';
export * from './access';
