export * from './consumer-lag';
export * from './nearline-service';
export { nearlineGroup } from './plays-consumer';
export * from './nearline-stores';
