import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ease } from './ease';
import { easeAls, easeAlsParams } from './ease-als';
import { buildMatrix, type Interaction } from './matrix';
import { getAlgorithm } from './registry';
import { searchSpaceOf } from './search-spaces';

/** Two genres of ten titles; each member plays about two thirds of their own genre's titles. */
function plantedPlays(): Interaction[] {
  const plays: Interaction[] = [];
  for (let m = 0; m < 40; m++)
    for (let t = 0; t < 10; t++)
      if ((t + m) % 3 !== 0) plays.push({ userId: `m${m}`, itemId: `t${(m % 2) * 10 + t}` });
  return plays;
}

describe('ease-als', () => {
  const data = buildMatrix(plantedPlays());
  const members = Int32Array.from({ length: data.numUsers }, (_, u) => u);
  const params = easeAlsParams.parse({ factors: 4, iterations: 8, regularization: 1, alpha: 2, lambda: 10 });

  it('is registered with its own search space', () => {
    assert.equal(getAlgorithm('ease-als'), easeAls);
    assert.ok(searchSpaceOf('ease-als')?.ranges['weight']);
  });

  it('recommends unseen titles of the member’s genre, k per member, equal to EASE alone at weight 0', async () => {
    const model = await easeAls.train(data, params);
    const recs = easeAls.recommend(model, data, members, 3);
    for (let r = 0; r < members.length; r++) {
      const own = data.indices.subarray(data.indptr[r], data.indptr[r + 1]);
      const genre = Math.floor(
        (own[0] as number) >= 0 ? Number(data.itemIds[own[0] as number]?.slice(1)) / 10 : 0,
      );
      for (const item of recs.items.subarray(r * 3, r * 3 + 3)) {
        assert.ok(!own.includes(item), 'no seen title');
        if (item >= 0) assert.equal(Math.floor(Number(data.itemIds[item]?.slice(1)) / 10), genre);
      }
    }
    // At weight 0 the blend ranks as EASE alone (ties may break differently).
    const easeOnly = easeAls.recommend({ ...model, weight: 0 }, data, members, 3);
    const full = ease.recommend(model.ease, data, members, data.numItems);
    for (let r = 0; r < members.length; r++) {
      const scoreOf = new Map<number, number>();
      for (let i = 0; i < full.k; i++)
        scoreOf.set(full.items[r * full.k + i] as number, full.scores[r * full.k + i] as number);
      const expected = Array.from(full.scores.subarray(r * full.k, r * full.k + 3));
      const got = Array.from(
        easeOnly.items.subarray(r * 3, r * 3 + 3),
        (item) => scoreOf.get(item) as number,
      );
      assert.deepEqual(got, expected);
    }
  });

  it('survives serialization', async () => {
    const model = await easeAls.train(data, params);
    const back = easeAls.deserialize(easeAls.serialize(model));
    assert.deepEqual(easeAls.recommend(back, data, members, 5), easeAls.recommend(model, data, members, 5));
    assert.equal(back.weight, model.weight);
  });
});
