import { getAlgorithm } from './registry';

/**
 * Where hyperparameter search looks, per algorithm: the ranges beside each params schema. A search
 * draws a point of the unit cube per trial and `pointParams` maps it to params the schema accepts;
 * params a space leaves out keep the schema's defaults.
 */
export type ParamRange =
  /** Uniform in log space: penalties, learning rates, anything that spans orders of magnitude. */
  | { kind: 'log'; min: number; max: number }
  /** Integers, uniform in log space when `log` (factors, neighbours), else uniform. */
  | { kind: 'int'; min: number; max: number; log?: boolean }
  | { kind: 'choice'; values: readonly (number | boolean | string)[] };

export interface SearchSpace {
  ranges: Record<string, ParamRange>;
  /**
   * The int param that sets how long training runs (iterations, epochs): successive halving trains
   * early rungs with a fraction of it, so hopeless trials stop cheaply.
   */
  budget?: string;
}

export const searchSpaces: Record<string, SearchSpace> = {
  als: {
    ranges: {
      factors: { kind: 'int', min: 32, max: 256, log: true },
      regularization: { kind: 'log', min: 0.1, max: 100 },
      /** c = 1 + alpha·r on 1–5 ratings: 0.4 here is implicit's alpha 2 on binary plays. */
      alpha: { kind: 'log', min: 0.05, max: 5 },
      iterations: { kind: 'int', min: 10, max: 40 },
    },
    budget: 'iterations',
  },
  ease: {
    ranges: { lambda: { kind: 'log', min: 10, max: 10_000 } },
  },
  'item-knn': {
    ranges: {
      neighbours: { kind: 'int', min: 10, max: 400, log: true },
      scoringNeighbours: { kind: 'int', min: 5, max: 400, log: true },
      shrinkage: { kind: 'log', min: 0.1, max: 1000 },
    },
  },
  /**
   * SGD from vectors of size 1 / factors learns slowly: on MovieLens 100k validation BPR at
   * lr × epochs 0.3 ranks no better than popularity and at 1 still below the defaults' 3 (200 factors,
   * 300 epochs, lr 0.01, λ 0.01). The ranges hold lr × epochs between 0.5 and 20 around the defaults,
   * and the first rung of halving (a third of the epochs) still trains 33 or more.
   */
  bpr: {
    ranges: {
      factors: { kind: 'int', min: 32, max: 256, log: true },
      learningRate: { kind: 'log', min: 0.005, max: 0.05 },
      regularization: { kind: 'log', min: 0.001, max: 0.1 },
      epochs: { kind: 'int', min: 100, max: 400 },
    },
    budget: 'epochs',
  },
  popularity: {
    ranges: { halfLifeDays: { kind: 'choice', values: [0, 7, 30, 90, 365, 1825] } },
  },
};

/** The space of a registered algorithm (its own, else the built-in one), or undefined: nothing to tune. */
export function searchSpaceOf(algorithm: string): SearchSpace | undefined {
  return getAlgorithm(algorithm).searchSpace ?? searchSpaces[algorithm];
}

/** Params at `point` (coordinates in [0, 1), one per range, in the ranges' key order). */
export function pointParams(
  space: SearchSpace,
  point: ArrayLike<number>,
): Record<string, number | boolean | string> {
  const params: Record<string, number | boolean | string> = {};
  Object.entries(space.ranges).forEach(([key, range], d) => {
    const u = Math.min(Math.max(point[d] ?? 0.5, 0), 1 - 1e-12);
    params[key] = rangeValue(range, u);
  });
  return params;
}

function rangeValue(range: ParamRange, u: number): number | boolean | string {
  switch (range.kind) {
    case 'log':
      return roundSignificant(
        Math.exp(Math.log(range.min) + u * (Math.log(range.max) - Math.log(range.min))),
      );
    case 'int':
      if (range.log) {
        // Uniform in log over [min, max + 1) keeps max reachable.
        const v = Math.exp(Math.log(range.min) + u * (Math.log(range.max + 1) - Math.log(range.min)));
        return Math.min(range.max, Math.max(range.min, Math.floor(v + 1e-9)));
      }
      return range.min + Math.floor(u * (range.max - range.min + 1));
    case 'choice':
      return range.values[Math.floor(u * range.values.length)] as number | boolean | string;
  }
}

/** Four significant digits: params that read well in reports and repeat exactly from JSON. */
function roundSignificant(x: number): number {
  return Number(x.toPrecision(4));
}
