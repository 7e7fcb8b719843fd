export * from './recent-plays';
export * from './continue-watching';
export * from './trending';
export * from './because-you-watched';
