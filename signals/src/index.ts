export * from './recent-plays';
export * from './continue-watching';
