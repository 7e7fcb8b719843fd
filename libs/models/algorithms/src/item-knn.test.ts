import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { itemKnn, itemKnnParams, neighbours } from './item-knn';
import { buildMatrix, type Interaction, type InteractionMatrix } from './matrix';

/** Two genres of ten titles; each member plays about two thirds of their own genre's titles, nothing else. */
function plantedPlays(): Interaction[] {
  const plays: Interaction[] = [];
  for (let m = 0; m < 60; m++)
    for (let t = 0; t < 10; t++)
      if ((t + m) % 3 !== 0) plays.push({ userId: `m${m}`, itemId: `t${(m % 2) * 10 + t}` });
  return plays;
}

/** `count` members who each watched all of `titles`. */
function coWatched(prefix: string, count: number, titles: string[]): Interaction[] {
  return Array.from({ length: count }, (_, m) =>
    titles.map((itemId) => ({ userId: `${prefix}${m}`, itemId })),
  ).flat();
}

function allMembers(matrix: InteractionMatrix): Int32Array {
  return Int32Array.from({ length: matrix.numUsers }, (_, u) => u);
}

describe('item-kNN', () => {
  it("a title's top neighbour is the title co-watched with it most", async () => {
    // Heat and Ronin are equally popular (6 members each); 5 members watched Heat with Alien, 2 Ronin.
    const data = buildMatrix([
      ...coWatched('a', 5, ['alien', 'heat']),
      ...coWatched('b', 2, ['alien', 'ronin']),
      ...coWatched('c', 1, ['heat']),
      ...coWatched('d', 4, ['ronin']),
    ]);
    const model = await itemKnn.train(data, itemKnnParams.parse({ shrinkage: 0 }));
    const alien = data.itemIds.indexOf('alien');
    const top = neighbours(model, alien, 2);
    assert.deepEqual(
      [...top.items].map((i) => data.itemIds[i]),
      ['heat', 'ronin'],
    );
    // Cosine: 5 common members / √(7 · 6).
    assert.ok(Math.abs((top.similarities[0] as number) - 5 / Math.sqrt(7 * 6)) < 1e-6);
    assert.equal(neighbours(model, alien, 1).items.length, 1);
  });

  it('similarities are symmetric: sim(i, j) = sim(j, i)', async () => {
    const data = buildMatrix(plantedPlays().filter((_, p) => p % 7 !== 0));
    const model = await itemKnn.train(data, itemKnnParams.parse({ neighbours: 50, shrinkage: 3 }));
    let pairs = 0;
    for (let i = 0; i < data.numItems; i++) {
      const ofI = neighbours(model, i, 50);
      ofI.items.forEach((j, r) => {
        const ofJ = neighbours(model, j, 50);
        const back = [...ofJ.items].indexOf(i);
        assert.ok(back >= 0, `${data.itemIds[i]} is a neighbour of ${data.itemIds[j]} but not the reverse`);
        assert.equal(ofJ.similarities[back], ofI.similarities[r]);
        pairs++;
      });
    }
    assert.ok(pairs > 0);
  });

  it("recommends the unplayed titles of a member's genre first, never what they played", async () => {
    const data = buildMatrix(plantedPlays());
    const model = await itemKnn.train(data, itemKnnParams.parse({}));
    const k = 3; // every member has 3 or 4 unplayed titles in their genre
    const recs = itemKnn.recommend(model, data, allMembers(data), k);
    for (let u = 0; u < data.numUsers; u++) {
      const played = new Set(data.indices.subarray(data.indptr[u], data.indptr[u + 1]));
      const genre = u % 2;
      for (const i of recs.items.subarray(u * k, u * k + k)) {
        assert.ok(
          !played.has(i),
          `member ${data.userIds[u]} was recommended ${data.itemIds[i]}, which they played`,
        );
        const t = Number((data.itemIds[i] as string).slice(1));
        assert.equal(
          Math.floor(t / 10),
          genre,
          `member ${data.userIds[u]} got ${data.itemIds[i]} from the other genre`,
        );
      }
    }
  });

  it('round-trips through serialize and deserialize', async () => {
    const data = buildMatrix(plantedPlays());
    const model = await itemKnn.train(data, itemKnnParams.parse({ neighbours: 5 }));
    const loaded = itemKnn.deserialize(itemKnn.serialize(model));
    assert.deepEqual(loaded, model);
    assert.deepEqual(
      itemKnn.recommend(loaded, data, allMembers(data), 3),
      itemKnn.recommend(model, data, allMembers(data), 3),
    );
  });

  it('rejects invalid params and unknown titles, naming them', async () => {
    assert.throws(() => itemKnnParams.parse({ neighbours: 0 }), /neighbours/);
    assert.throws(() => itemKnnParams.parse({ scoringNeighbours: 2.5 }), /scoringNeighbours/);
    assert.throws(() => itemKnnParams.parse({ shrinkage: -1 }), /shrinkage/);
    assert.throws(() => itemKnnParams.parse({ neighbors: 10 }), /neighbors/);
    const model = await itemKnn.train(buildMatrix(plantedPlays()), itemKnnParams.parse({}));
    assert.throws(() => neighbours(model, 20, 5), /title index 20 is outside the model's 20 titles/);
  });
});
