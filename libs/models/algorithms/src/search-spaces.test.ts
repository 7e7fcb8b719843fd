import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { algorithmNames, getAlgorithm } from './registry';
import { searchSpaceOf, searchSpaces, type ParamRange } from './search-spaces';

function contains(range: ParamRange, value: unknown): boolean {
  if (range.kind === 'choice') return range.values.includes(value as number | boolean | string);
  return typeof value === 'number' && value >= range.min && value <= range.max;
}

describe('searchSpaces', () => {
  it("contain each algorithm's default params, so searching can land where not searching does", () => {
    for (const name of algorithmNames()) {
      const space = searchSpaceOf(name);
      if (!space) continue;
      const defaults = getAlgorithm(name).params.parse({}) as Record<string, unknown>;
      for (const [key, range] of Object.entries(space.ranges))
        assert.ok(
          contains(range, defaults[key]),
          `${name}.${key} ${JSON.stringify(range)} holds ${defaults[key]}`,
        );
    }
  });

  it('give BPR room to learn: lr × epochs reaches the defaults on the first rung of halving', () => {
    const { ranges, budget } = searchSpaces['bpr'] ?? { ranges: {} };
    assert.equal(budget, 'epochs');
    const defaults = getAlgorithm('bpr').params.parse({}) as { learningRate: number; epochs: number };
    const lr = ranges['learningRate'] as { min: number; max: number };
    const epochs = ranges['epochs'] as { min: number; max: number };
    // Halving's first rung trains a third of the epochs: its best still trains as long as the defaults.
    assert.ok((lr.max * epochs.max) / 3 >= defaults.learningRate * defaults.epochs);
    assert.ok(Math.round(epochs.min / 3) >= 30, 'the first rung trains at least 30 epochs');
  });
});
