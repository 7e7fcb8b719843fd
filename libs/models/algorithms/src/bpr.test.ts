import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { initTensorBackend, tf } from '@marquee/tensor';
import { bpr, bprParams } from './bpr';
import { fitBprWithTensors } from './bpr-tensor';
import { buildMatrix, type Interaction, type InteractionMatrix } from './matrix';

/**
 * Two genres of ten titles; each member plays each title of their own genre with probability 0.7
 * (seeded), nothing else, so every unplayed title of a genre was played by similar members.
 */
function plantedPlays(): Interaction[] {
  let state = 7;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 4294967296;
  const plays: Interaction[] = [];
  for (let m = 0; m < 80; m++)
    for (let t = 0; t < 10; t++)
      if (next() < 0.7) plays.push({ userId: `m${m}`, itemId: `t${(m % 2) * 10 + t}` });
  return plays;
}

function allMembers(matrix: InteractionMatrix): Int32Array {
  return Int32Array.from({ length: matrix.numUsers }, (_, u) => u);
}

const small = { factors: 4, epochs: 30, batchSize: 64, learningRate: 0.02, regularization: 0.01 };

describe('BPR', () => {
  it('lowers its loss epoch by epoch (SGD on CPUs)', async () => {
    const losses: number[] = [];
    await bpr.train(buildMatrix(plantedPlays()), bprParams.parse(small), {
      onProgress: (p) => losses.push(p.detail?.['loss'] as number),
    });
    assert.equal(losses.length, small.epochs);
    assert.ok(
      (losses.at(-1) as number) < (losses[0] as number) / 2,
      `loss went ${losses[0]} → ${losses.at(-1)}`,
    );
  });

  it('on the tensor path (a GPU host) lowers its loss and leaves no tensors behind', async () => {
    await initTensorBackend();
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    await fitBprWithTensors(buildMatrix(plantedPlays()), bprParams.parse({ ...small, learningRate: 0.02 }), {
      onProgress: (p) => losses.push(p.detail?.['loss'] as number),
    });
    assert.equal(losses.length, small.epochs);
    assert.ok(
      (losses.at(-1) as number) < (losses[0] as number) / 2,
      `loss went ${losses[0]} → ${losses.at(-1)}`,
    );
    assert.ok((losses[9] as number) < (losses[0] as number));
    assert.equal(tf.memory().numTensors, before, 'tensors leaked');
  });

  it("recommends the unplayed titles of a member's genre first, never what they played", async () => {
    const data = buildMatrix(plantedPlays());
    const model = await bpr.train(data, bprParams.parse(small));
    const k = 3;
    const recs = bpr.recommend(model, data, allMembers(data), k);
    for (let u = 0; u < data.numUsers; u++) {
      const played = new Set(data.indices.subarray(data.indptr[u], data.indptr[u + 1]));
      const unplayedInGenre = 10 - played.size;
      recs.items.subarray(u * k, u * k + k).forEach((i, r) => {
        assert.ok(
          !played.has(i),
          `member ${data.userIds[u]} was recommended ${data.itemIds[i]}, which they played`,
        );
        const genre = Math.floor(Number((data.itemIds[i] as string).slice(1)) / 10);
        if (r < unplayedInGenre)
          assert.equal(genre, u % 2, `member ${data.userIds[u]} got ${data.itemIds[i]} from the other genre`);
      });
    }
  });

  it('is reproducible from its seed and round-trips through serialize and deserialize', async () => {
    const data = buildMatrix(plantedPlays());
    const params = bprParams.parse({ ...small, epochs: 3 });
    const model = await bpr.train(data, params);
    assert.deepEqual(await bpr.train(data, params), model);
    const loaded = bpr.deserialize(bpr.serialize(model));
    assert.deepEqual(loaded, model);
    assert.deepEqual(
      bpr.recommend(loaded, data, allMembers(data), 5),
      bpr.recommend(model, data, allMembers(data), 5),
    );
  });

  it('rejects invalid params naming the field', () => {
    assert.throws(() => bprParams.parse({ factors: 0 }), /factors/);
    assert.throws(() => bprParams.parse({ epochs: 1.5 }), /epochs/);
    assert.throws(() => bprParams.parse({ batchSize: -1 }), /batchSize/);
    assert.throws(() => bprParams.parse({ learningRate: 0 }), /learningRate/);
    assert.throws(() => bprParams.parse({ regularization: -0.1 }), /regularization/);
    assert.throws(() => bprParams.parse({ seed: 'x' }), /seed/);
    assert.throws(() => bprParams.parse({ lr: 0.1 }), /lr/);
  });

  it('stops when cancelled, on either path, leaving no tensors behind', async () => {
    await initTensorBackend();
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    controller.abort();
    const data = buildMatrix(plantedPlays());
    await assert.rejects(bpr.train(data, bprParams.parse(small), { signal: controller.signal }), {
      name: 'AbortError',
    });
    await assert.rejects(fitBprWithTensors(data, bprParams.parse(small), { signal: controller.signal }), {
      name: 'AbortError',
    });
    assert.equal(tf.memory().numTensors, before);
  });

  it('trains every member and title vector and a bias per title, with finite values', async () => {
    const data = buildMatrix(plantedPlays());
    const model = await bpr.train(data, bprParams.parse({ ...small, factors: 8 }));
    assert.equal(model.userFactors.length, data.numUsers * 8);
    assert.equal(model.itemFactors.length, data.numItems * 8);
    assert.equal(model.itemBias.length, data.numItems);
    for (const v of [...model.userFactors, ...model.itemFactors, ...model.itemBias])
      assert.ok(Number.isFinite(v));
  });
});
