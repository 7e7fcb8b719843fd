// The worker bundles this file: workflow code only, deterministic, no activity implementations.
export * from './training/training-pipeline';
export * from './popularity/popularity-pipeline';
