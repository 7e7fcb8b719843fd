import type { Algorithm } from './algorithm';
import { popularity } from './popularity-algorithm';
import { als } from './als';
import { ease } from './ease';
import { itemKnn } from './item-knn';
import { bpr } from './bpr';
import { easeAls } from './ease-als';
import { normalizedEase } from './normalized-ease';

/**
 * Built-in algorithms by name. An experimenter adds one by writing a module that implements
 * `Algorithm` and listing it here (or calling `registerAlgorithm` from their own package); no app
 * changes are needed.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const registry = new Map<string, Algorithm<any, any>>();

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function registerAlgorithm(algorithm: Algorithm<any, any>): void {
  if (!/^[a-z][a-z0-9-]{1,39}$/.test(algorithm.name))
    throw new Error(`algorithm name '${algorithm.name}' is not a short lowercase name`);
  registry.set(algorithm.name, algorithm);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function getAlgorithm(name: string): Algorithm<any, any> {
  const algorithm = registry.get(name);
  if (!algorithm) throw new Error(`unknown algorithm '${name}'; known: ${[...registry.keys()].join(', ')}`);
  return algorithm;
}

export function algorithmNames(): string[] {
  return [...registry.keys()];
}

// Built-ins, one line each.
registerAlgorithm(popularity);
registerAlgorithm(als);
registerAlgorithm(ease);
registerAlgorithm(itemKnn);
registerAlgorithm(bpr);
registerAlgorithm(easeAls);
registerAlgorithm(normalizedEase);
