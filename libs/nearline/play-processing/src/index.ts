export * from './consumer-lag';
export * from './nearline-service';
export { NEARLINE_GROUP, nearlineGroup } from './plays-consumer';
