/** Nest injection tokens for what has no class of its own: settings, metrics and the stores' clients. */
export const CONFIG = Symbol('CONFIG');
export const OPTIONS = Symbol('OPTIONS');
export const LOGGER = Symbol('LOGGER');
export const REGISTRY = Symbol('REGISTRY');
export const CASSANDRA = Symbol('CASSANDRA');
export const KAFKA = Symbol('KAFKA');
export const TOPICS = Symbol('TOPICS');
export const PRODUCER = Symbol('PRODUCER');
export const VERIFIER = Symbol('VERIFIER');
