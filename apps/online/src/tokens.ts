/** Nest injection tokens for the platform's clients, the online runtime and settings. */
export const PLATFORM = Symbol('PLATFORM');
export const REGISTRY = Symbol('REGISTRY');
export const RUNTIME = Symbol('RUNTIME');
export const OPTIONS = Symbol('OPTIONS');
export const VERIFIER = Symbol('VERIFIER');
export const ADMIN = Symbol('ADMIN');
