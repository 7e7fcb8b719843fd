import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ease, easeParams, easeWeightsFromInverse, itemGram } from './ease';
import { choleskyBlock, gramBuffer, inverseBlock, invertBlock } from './ease-inverse';
import { buildMatrix, type Interaction, type InteractionMatrix } from './matrix';

/** Two genres of ten titles; each member plays about two thirds of their own genre's titles, nothing else. */
function plantedPlays(): Interaction[] {
  const plays: Interaction[] = [];
  for (let m = 0; m < 60; m++)
    for (let t = 0; t < 10; t++)
      if ((t + m) % 3 !== 0) plays.push({ userId: `m${m}`, itemId: `t${(m % 2) * 10 + t}` });
  return plays;
}

function allMembers(matrix: InteractionMatrix): Int32Array {
  return Int32Array.from({ length: matrix.numUsers }, (_, u) => u);
}

function history(matrix: InteractionMatrix, u: number): Set<number> {
  return new Set(matrix.indices.subarray(matrix.indptr[u], matrix.indptr[u + 1]));
}

describe('EASE', () => {
  it('learns the hand-computed weights of a 3-title catalog, with a zero diagonal', async () => {
    // X = [[1,1,0],[0,1,1]], λ = 1: G = XᵀX + I = [[2,1,0],[1,3,1],[0,1,2]],
    // P = G⁻¹ = [[5,-2,1],[-2,4,-2],[1,-2,5]] / 8, B[i][j] = −P[i][j] / P[j][j].
    const data = buildMatrix([
      { userId: 'm1', itemId: 'a' },
      { userId: 'm1', itemId: 'b' },
      { userId: 'm2', itemId: 'b' },
      { userId: 'm2', itemId: 'c' },
    ]);
    const model = await ease.train(data, easeParams.parse({ lambda: 1 }));
    const expected = [0, 0.5, -0.2, 0.4, 0, 0.4, -0.2, 0.5, 0];
    model.weights.forEach((w, p) =>
      assert.ok(Math.abs(w - (expected[p] as number)) < 1e-6, `B[${p}] = ${w}`),
    );
    for (let i = 0; i < 3; i++) assert.equal(model.weights[i * 3 + i], 0);
  });

  it('matches a straightforward Gauss-Jordan inverse, weights and top-10 lists, on both engines', async () => {
    // 150 titles: two full 64-row blocks and a ragged one; odd sizes exercise the kernel's edges.
    let state = 7;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const plays: Interaction[] = [];
    for (let m = 0; m < 300; m++)
      for (let t = 0; t < 150; t++)
        if (random() < 0.05 + 0.3 * Number((t * 7 + m) % 11 < 3))
          plays.push({ userId: `m${m}`, itemId: `t${t}` });
    const data = buildMatrix(plays);
    const n = data.numItems;
    const lambda = 5;
    const reference = referenceWeights(itemGram(data, lambda, true), n);
    const model = await ease.train(data, easeParams.parse({ lambda }));
    let worst = 0;
    model.weights.forEach((w, p) => (worst = Math.max(worst, Math.abs(w - (reference[p] as number)))));
    assert.ok(worst < 1e-6, `largest difference from the reference ${worst}`);
    const users = allMembers(data);
    const expected = ease.recommend({ ...model, weights: reference }, data, users, 10);
    assert.deepEqual(ease.recommend(model, data, users, 10).items, expected.items);

    const g = gramBuffer(n, 'js');
    itemGram(data, lambda, true, g.a);
    for (let f = 0; f < n; f += 64) choleskyBlock(g, n, f, Math.min(n, f + 64));
    for (let f = 0; f < n; f += 64) invertBlock(g, n, f, Math.min(n, f + 64));
    for (let f = 0; f < n; f += 64) inverseBlock(g, n, f, Math.min(n, f + 64));
    const js = easeWeightsFromInverse(g.a, n);
    js.forEach((w, p) =>
      assert.ok(Math.abs(w - (model.weights[p] as number)) < 1e-6, `js engine B[${p}] = ${w}`),
    );
  });

  it("recommends the unplayed titles of a member's genre first, never what they played", async () => {
    const data = buildMatrix(plantedPlays());
    const model = await ease.train(data, easeParams.parse({ lambda: 10 }));
    const k = 3; // every member has 3 or 4 unplayed titles in their genre
    const recs = ease.recommend(model, data, allMembers(data), k);
    for (let u = 0; u < data.numUsers; u++) {
      const played = history(data, u);
      for (const i of recs.items.subarray(u * k, u * k + k)) {
        assert.ok(
          !played.has(i),
          `member ${data.userIds[u]} was recommended ${data.itemIds[i]}, which they played`,
        );
        const genre = Math.floor(Number((data.itemIds[i] as string).slice(1)) / 10);
        assert.equal(genre, u % 2, `member ${data.userIds[u]} got ${data.itemIds[i]} from the other genre`);
      }
    }
  });

  it('round-trips through serialize and deserialize', async () => {
    const data = buildMatrix(plantedPlays());
    const model = await ease.train(data, easeParams.parse({}));
    const loaded = ease.deserialize(ease.serialize(model));
    assert.deepEqual(loaded, model);
    assert.deepEqual(
      ease.recommend(loaded, data, allMembers(data), 5),
      ease.recommend(model, data, allMembers(data), 5),
    );
  });

  it('rejects invalid params naming the field, and catalogs above maxItems', async () => {
    assert.throws(() => easeParams.parse({ lambda: 0 }), /lambda/);
    assert.throws(() => easeParams.parse({ binarize: 'yes' }), /binarize/);
    assert.throws(() => easeParams.parse({ maxItems: 1.5 }), /maxItems/);
    assert.throws(() => easeParams.parse({ lamda: 100 }), /lamda/);
    const data = buildMatrix(plantedPlays());
    await assert.rejects(
      ease.train(data, easeParams.parse({ maxItems: 10 })),
      /20 × 20 item matrix \(4\.7 KiB of memory\) but maxItems is 10/,
    );
  });

  it('refuses a catalog whose matrix does not fit in memory, naming the memory needed', async () => {
    const n = 100_000; // 12 bytes per titles²: 111.8 GiB
    const plays = Array.from({ length: n }, (_, t) => ({ userId: `m${t % 50}`, itemId: `t${t}` }));
    await assert.rejects(
      ease.train(buildMatrix(plays), easeParams.parse({})),
      /EASE needs 111\.8 GiB of memory for a dense 100000 × 100000 item matrix but this machine has/,
    );
  });

  it('reports progress and stops when cancelled', async () => {
    const data = buildMatrix(plantedPlays());
    const steps = new Set<string>();
    await ease.train(data, easeParams.parse({}), { onProgress: (p) => steps.add(p.step) });
    assert.deepEqual([...steps], ['gram', 'cholesky', 'invert', 'inverse']);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(ease.train(data, easeParams.parse({}), { signal: controller.signal }), {
      name: 'AbortError',
    });
  });

  const ml100k = '/work/shared/data/ml-100k/u.data';
  it(
    'reaches nDCG@10 ≥ 0.45 on MovieLens 100k (75/25 per member, seed 42)',
    { skip: fs.existsSync(ml100k) ? false : `MovieLens 100k not found at ${ml100k}` },
    async () => {
      const { train, test } = stratifiedSplit(fs.readFileSync(ml100k, 'utf8'), 0.75, 42);
      const data = buildMatrix(train);
      const model = await ease.train(data, easeParams.parse({}));
      const k = 10;
      const recs = ease.recommend(model, data, allMembers(data), k);
      let total = 0;
      let members = 0;
      for (let u = 0; u < data.numUsers; u++) {
        const relevant = test.get(data.userIds[u] as string);
        if (!relevant) continue;
        let dcg = 0;
        let idcg = 0;
        for (let r = 0; r < k; r++) {
          if (relevant.has(data.itemIds[recs.items[u * k + r] as number] as string))
            dcg += 1 / Math.log2(r + 2);
          if (r < relevant.size) idcg += 1 / Math.log2(r + 2);
        }
        total += dcg / idcg;
        members++;
      }
      assert.ok(total / members >= 0.45, `nDCG@10 = ${(total / members).toFixed(4)}`);
    },
  );
});

/** B from G (lower triangle) by Gauss-Jordan elimination on the full symmetric matrix. */
function referenceWeights(lower: Float64Array, n: number): Float32Array {
  const m = new Float64Array(n * 2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * 2 * n + j] = (j <= i ? lower[i * n + j] : lower[j * n + i]) as number;
    m[i * 2 * n + n + i] = 1;
  }
  for (let c = 0; c < n; c++) {
    const pivot = m[c * 2 * n + c] as number;
    for (let j = 0; j < 2 * n; j++) m[c * 2 * n + j] = (m[c * 2 * n + j] as number) / pivot;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const factor = m[r * 2 * n + c] as number;
      for (let j = 0; j < 2 * n; j++)
        m[r * 2 * n + j] = (m[r * 2 * n + j] as number) - factor * (m[c * 2 * n + j] as number);
    }
  }
  const b = new Float32Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      if (i !== j) b[i * n + j] = -(m[i * 2 * n + n + j] as number) / (m[j * 2 * n + n + j] as number);
  return b;
}

/** Each member's plays shuffled (seeded) and split at round(ratio · n), as Microsoft Recommenders does. */
function stratifiedSplit(
  tsv: string,
  ratio: number,
  seed: number,
): { train: Interaction[]; test: Map<string, Set<string>> } {
  const byMember = new Map<string, string[]>();
  for (const line of tsv.trim().split('\n')) {
    const [userId, itemId] = line.split('\t') as [string, string];
    byMember.set(userId, [...(byMember.get(userId) ?? []), itemId]);
  }
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const train: Interaction[] = [];
  const test = new Map<string, Set<string>>();
  for (const userId of [...byMember.keys()].sort((a, b) => Number(a) - Number(b))) {
    const items = byMember.get(userId) as string[];
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [items[i], items[j]] = [items[j] as string, items[i] as string];
    }
    const cut = Math.round(ratio * items.length);
    for (const itemId of items.slice(0, cut)) train.push({ userId, itemId });
    if (cut < items.length) test.set(userId, new Set(items.slice(cut)));
  }
  return { train, test };
}
