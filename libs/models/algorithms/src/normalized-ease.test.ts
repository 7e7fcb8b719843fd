import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { addLowPass, lowPassBasis, lowPassNorm, symmetricEigen } from './low-pass';
import { buildMatrix, type Interaction, type InteractionMatrix } from './matrix';
import { normalizedEase, normalizedEaseParams, withValueExponent } from './normalized-ease';
import { getAlgorithm } from './registry';
import { pointParams, searchSpaceOf } from './search-spaces';

/** Seeded plays with ratings 1–5 over `items` titles, denser along a few planted tastes. */
function ratedPlays(members: number, items: number, seed: number): InteractionMatrix {
  let state = seed;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const plays: Interaction[] = [];
  for (let m = 0; m < members; m++)
    for (let t = 0; t < items; t++)
      if (random() < 0.08 + 0.4 * Number((t * 5 + m) % 7 < 2))
        plays.push({ userId: `m${m}`, itemId: `t${t}`, value: 1 + Math.floor(random() * 5) });
  return buildMatrix(plays);
}

/** Dense n × n matrix of `data`'s values, items × items: Xᵀ·diag(w)·X. */
function denseGram(x: InteractionMatrix, memberWeight: (degree: number) => number): Float64Array {
  const n = x.numItems;
  const g = new Float64Array(n * n);
  for (let u = 0; u < x.numUsers; u++) {
    let degree = 0;
    for (let p = x.indptr[u] as number; p < (x.indptr[u + 1] as number); p++) degree += x.values[p] as number;
    const w = memberWeight(degree);
    for (let p = x.indptr[u] as number; p < (x.indptr[u + 1] as number); p++)
      for (let q = x.indptr[u] as number; q < (x.indptr[u + 1] as number); q++) {
        const at = (x.indices[p] as number) * n + (x.indices[q] as number);
        g[at] = (g[at] as number) + w * (x.values[p] as number) * (x.values[q] as number);
      }
  }
  return g;
}

/** Gauss–Jordan inverse of a full symmetric matrix. */
function inverse(a: Float64Array, n: number): Float64Array {
  const m = new Float64Array(n * 2 * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) m[i * 2 * n + j] = a[i * n + j] as number;
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
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = m[i * 2 * n + n + j] as number;
  return out;
}

/**
 * The model's weights computed the long way: normalised Gram, penalties, Gauss–Jordan inverse,
 * B = S·(−P / diag P), and the low-pass term from a full eigen decomposition of the normalised graph.
 */
function referenceWeights(
  data: InteractionMatrix,
  input: Partial<ReturnType<typeof normalizedEaseParams.parse>>,
) {
  const params = normalizedEaseParams.parse(input);
  const x = withValueExponent(data, params.valueExponent);
  const n = x.numItems;
  const g = denseGram(x, (d) => d ** -params.memberWeight);
  const s = Float64Array.from({ length: n }, (_, i) => (g[i * n + i] as number) ** -params.itemNormalization);
  const z = g.map((v, e) => v * (s[Math.floor(e / n)] as number) * (s[e % n] as number));
  let mean = 0;
  for (let i = 0; i < n; i++) mean += (z[i * n + i] as number) / n;
  const own = params.dropout / (1 - params.dropout);
  for (let i = 0; i < n; i++) z[i * n + i] = (z[i * n + i] as number) * (1 + own) + params.lambda * mean;
  const p = inverse(z, n);
  const b = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++)
      if (i !== j) b[i * n + j] = ((s[i] as number) * -(p[i * n + j] as number)) / (p[j * n + j] as number);
  if (params.lowPassRank === 0) return b;
  // G̃ = D_i^{-1/2}·Xᵀ·D_u^{-1}·X·D_i^{-1/2} and its top eigenvectors, by Jacobi on the whole matrix.
  const plain = denseGram(x, (d) => 1 / d);
  const degree = new Float64Array(n);
  for (let e = 0; e < x.indices.length; e++)
    degree[x.indices[e] as number] = (degree[x.indices[e] as number] as number) + (x.values[e] as number);
  const graph = plain.map(
    (v, e) => v / Math.sqrt((degree[Math.floor(e / n)] as number) * (degree[e % n] as number)),
  );
  const { values, vectors } = symmetricEigen(graph, n);
  const top = Array.from({ length: n }, (_, c) => c)
    .sort((c, d) => (values[d] as number) - (values[c] as number))
    .slice(0, params.lowPassRank);
  const filter = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (const c of top) sum += (vectors[i * n + c] as number) * (vectors[j * n + c] as number);
      filter[i * n + j] = (sum * Math.sqrt(degree[j] as number)) / Math.sqrt(degree[i] as number);
    }
  const norm = (m: Float64Array) => Math.sqrt(m.reduce((t, v) => t + v * v, 0));
  const weight = (params.lowPassWeight * norm(b)) / norm(filter);
  return b.map((v, e) => (Math.floor(e / n) === e % n ? 0 : v + weight * (filter[e] as number)));
}

function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let e = 0; e < a.length; e++) worst = Math.max(worst, Math.abs((a[e] as number) - (b[e] as number)));
  return worst;
}

function allMembers(matrix: InteractionMatrix): Int32Array {
  return Int32Array.from({ length: matrix.numUsers }, (_, u) => u);
}

describe('normalized-ease', () => {
  it('matches the direct computation of its regression weights (no low-pass term)', async () => {
    const data = ratedPlays(80, 30, 3);
    for (const params of [
      { lowPassRank: 0, valueExponent: 0, dropout: 0, memberWeight: 0, itemNormalization: 0, lambda: 2 },
      { lowPassRank: 0, valueExponent: 0.5, dropout: 0.25, memberWeight: 0.75, itemNormalization: 0.25 },
      { lowPassRank: 0, valueExponent: 1, dropout: 0.5, memberWeight: 1, itemNormalization: 0.4, lambda: 40 },
    ]) {
      const model = await normalizedEase.train(data, normalizedEaseParams.parse(params));
      const reference = referenceWeights(data, params);
      const scale = reference.reduce((t, v) => Math.max(t, Math.abs(v)), 0);
      assert.ok(
        largestDifference(model.weights, reference) < 1e-5 * scale,
        `${JSON.stringify(params)}: largest difference ${largestDifference(model.weights, reference)}`,
      );
    }
  });

  it('matches the direct computation with the low-pass term, from a full eigen decomposition', async () => {
    const data = ratedPlays(120, 40, 11);
    for (const rank of [4, 12]) {
      const params = { lowPassRank: rank, lowPassWeight: 0.5 };
      const model = await normalizedEase.train(data, normalizedEaseParams.parse(params));
      const reference = referenceWeights(data, params);
      const scale = reference.reduce((t, v) => Math.max(t, Math.abs(v)), 0);
      assert.ok(
        largestDifference(model.weights, reference) < 1e-4 * scale,
        `rank ${rank}: largest difference ${largestDifference(model.weights, reference)} of ${scale}`,
      );
    }
  });

  it('computes the low-pass norm without forming the filter', () => {
    const data = withValueExponent(ratedPlays(60, 25, 5), 0.5);
    const basis = lowPassBasis(data, 6);
    const filter = new Float32Array(25 * 25);
    addLowPass(filter, basis, 1);
    // addLowPass leaves the diagonal out; add it back for the full Frobenius norm.
    let sum = 0;
    for (let i = 0; i < 25; i++)
      for (let j = 0; j < 25; j++) {
        let v = filter[i * 25 + j] as number;
        if (i === j)
          for (let r = 0; r < basis.rank; r++) v += (basis.vectors[i * basis.rank + r] as number) ** 2;
        sum += v * v;
      }
    assert.ok(Math.abs(lowPassNorm(basis) - Math.sqrt(sum)) < 1e-4 * Math.sqrt(sum));
  });

  it('finds eigenvalues of a small symmetric matrix with Jacobi rotations', () => {
    // [[2,1,0],[1,2,1],[0,1,2]] has eigenvalues 2 − √2, 2, 2 + √2.
    const { values, vectors } = symmetricEigen(Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2]), 3);
    const sorted = [...values].sort((a, b) => a - b);
    [2 - Math.SQRT2, 2, 2 + Math.SQRT2].forEach((v, i) =>
      assert.ok(Math.abs((sorted[i] as number) - v) < 1e-12),
    );
    // Columns are orthonormal.
    for (let c = 0; c < 3; c++)
      for (let d = 0; d < 3; d++) {
        let dot = 0;
        for (let i = 0; i < 3; i++) dot += (vectors[i * 3 + c] as number) * (vectors[i * 3 + d] as number);
        assert.ok(Math.abs(dot - Number(c === d)) < 1e-12);
      }
  });

  it('recommends unseen titles only, deterministically, and round-trips through serialize', async () => {
    const data = ratedPlays(60, 30, 9);
    const model = await normalizedEase.train(data, normalizedEaseParams.parse({ lowPassRank: 8 }));
    const recs = normalizedEase.recommend(model, data, allMembers(data), 5);
    for (let u = 0; u < data.numUsers; u++) {
      const seen = new Set(data.indices.subarray(data.indptr[u], data.indptr[u + 1]));
      for (let r = 0; r < 5; r++) {
        const item = recs.items[u * 5 + r] as number;
        if (item >= 0) assert.ok(!seen.has(item), `member ${u} got a title they played`);
      }
    }
    const loaded = normalizedEase.deserialize(normalizedEase.serialize(model));
    assert.deepEqual(normalizedEase.recommend(loaded, data, allMembers(data), 5), recs);
  });

  it('gives a title nobody played zero weights and still trains the rest', async () => {
    const played = ratedPlays(40, 12, 4);
    const data = buildMatrix(
      Array.from({ length: played.numUsers }, (_, u) =>
        Array.from(played.indices.subarray(played.indptr[u], played.indptr[u + 1]), (i) => ({
          userId: played.userIds[u] as string,
          itemId: played.itemIds[i] as string,
        })),
      ).flat(),
      { userIds: played.userIds, itemIds: [...played.itemIds, 'never-played'] },
    );
    const model = await normalizedEase.train(data, normalizedEaseParams.parse({ lowPassRank: 4 }));
    const n = data.numItems;
    for (let j = 0; j < n; j++) {
      assert.ok(model.weights[(n - 1) * n + j] === 0, `weight from the unplayed title to ${j}`);
      assert.ok(model.weights[j * n + n - 1] === 0, `weight from ${j} to the unplayed title`);
    }
    assert.ok(model.weights.every(Number.isFinite));
    assert.ok(model.weights.some((w) => w !== 0));
  });

  it('refuses a history matrix of another catalog and a catalog above maxItems', async () => {
    const data = ratedPlays(20, 10, 1);
    const model = await normalizedEase.train(data, normalizedEaseParams.parse({ lowPassRank: 2 }));
    assert.throws(
      () => normalizedEase.recommend(model, { ...data, numItems: 11 }, allMembers(data), 3),
      /10 titles but the history matrix has 11/,
    );
    await assert.rejects(
      normalizedEase.train(data, normalizedEaseParams.parse({ maxItems: 5 })),
      /normalized-ease would invert a dense 10 × 10 item matrix .* maxItems is 5/,
    );
  });

  it('is registered, and every point of its search space is valid params', () => {
    assert.equal(getAlgorithm('normalized-ease'), normalizedEase);
    const space = searchSpaceOf('normalized-ease');
    assert.ok(space);
    for (const u of [0, 0.25, 0.5, 0.999]) {
      const point = Object.keys(space.ranges).map(() => u);
      assert.doesNotThrow(() => normalizedEaseParams.parse(pointParams(space, point)));
    }
  });
});
