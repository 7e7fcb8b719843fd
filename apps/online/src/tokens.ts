/** Nest injection tokens for the platform's clients and the metrics registry. */
export const PLATFORM = Symbol('PLATFORM');
export const REGISTRY = Symbol('REGISTRY');
export const ROWS = Symbol('ROWS');
