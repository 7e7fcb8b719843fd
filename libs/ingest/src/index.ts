export * from './play-processor';
export * from './plays-consumer';
export * from './retry';
export * from './nearline-service';
