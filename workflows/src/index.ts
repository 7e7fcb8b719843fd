export * from './popularity-pipeline';
