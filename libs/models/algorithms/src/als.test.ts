import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { als, alsParams, type AlsModel, type AlsParams } from './als';
import { instantiateKernels } from './als-kernels';
import { sharedMemory } from './wasm-asm';
import { buildMatrix, type Interaction, type InteractionMatrix } from './matrix';
import { seededRandom as random } from './random';

const CLUSTERS = 4;
const MEMBERS_PER_CLUSTER = 30;
const TITLES_PER_CLUSTER = 20;
const clusterOf = (title: number) => Math.floor(title / TITLES_PER_CLUSTER);

/**
 * Members of cluster g play about half of cluster g's titles (and now and then a random one); one
 * of each member's in-cluster plays, chosen at random, is held out of training.
 */
function plantedClusters(): { train: InteractionMatrix; heldOut: Map<number, number> } {
  const next = random(11);
  const plays: Interaction[] = [];
  const heldOut = new Map<number, number>();
  const itemIds = Array.from({ length: CLUSTERS * TITLES_PER_CLUSTER }, (_, i) => `t${i}`);
  const userIds = Array.from({ length: CLUSTERS * MEMBERS_PER_CLUSTER }, (_, u) => `m${u}`);
  userIds.forEach((userId, u) => {
    const cluster = u % CLUSTERS;
    const titles: number[] = [];
    for (let t = 0; t < TITLES_PER_CLUSTER; t++)
      if (next() < 0.5) titles.push(cluster * TITLES_PER_CLUSTER + t);
    heldOut.set(u, titles.splice(Math.floor(next() * titles.length), 1)[0] as number);
    if (next() < 0.3) titles.push(Math.floor(next() * itemIds.length)); // noise
    for (const t of titles) plays.push({ userId, itemId: `t${t}`, value: 1 + Math.floor(next() * 3) });
  });
  return { train: buildMatrix(plays, { userIds, itemIds }), heldOut };
}

const small = (overrides: Partial<AlsParams> = {}): AlsParams =>
  alsParams.parse({ factors: 4, iterations: 12, regularization: 1, alpha: 5, ...overrides });

function allUsers(m: InteractionMatrix): Int32Array {
  return Int32Array.from({ length: m.numUsers }, (_, u) => u);
}

function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  a.forEach((x, j) => {
    const y = b[j] as number;
    ab += x * y;
    aa += x * x;
    bb += y * y;
  });
  return ab / Math.sqrt(aa * bb);
}

describe('als', () => {
  it("ranks a member's held-out title above every title outside their cluster", async () => {
    const { train, heldOut } = plantedClusters();
    const model = await als.train(train, small());
    const k = train.numItems;
    const recs = als.recommend(model, train, allUsers(train), k);
    let aboveOthers = 0;
    let ownCluster = 0;
    for (let u = 0; u < train.numUsers; u++) {
      const ranked = [...recs.items.subarray(u * k, (u + 1) * k)];
      const position = ranked.indexOf(heldOut.get(u) as number);
      if (ranked.slice(0, position).every((t) => clusterOf(t) === u % CLUSTERS)) aboveOthers++;
      ownCluster += ranked.slice(0, 5).filter((t) => clusterOf(t) === u % CLUSTERS).length;
    }
    assert.ok(
      aboveOthers / train.numUsers > 0.9,
      `held-out title above all others for ${aboveOthers} members`,
    );
    assert.ok(ownCluster / (5 * train.numUsers) > 0.9, `${ownCluster} of the top-5 titles in-cluster`);
  });

  it('folding in a training member reproduces their trained vector', async () => {
    const { train } = plantedClusters();
    // 20 factors pad to 32 in the kernels: this also checks the padded SIMD solve against an exact one.
    const model = await als.train(train, small({ factors: 20, iterations: 20 }));
    const f = model.factors;
    for (let u = 0; u < train.numUsers; u += 7) {
      const start = train.indptr[u] as number;
      const end = train.indptr[u + 1] as number;
      const vector = (als.foldIn as NonNullable<typeof als.foldIn>)(model, {
        items: train.indices.subarray(start, end),
        values: train.values.subarray(start, end),
      });
      const trained = model.userFactors.subarray(u * f, (u + 1) * f);
      assert.ok(cosine(vector, trained) > 0.95, `member ${u}: cosine ${cosine(vector, trained)}`);
    }
  });

  it('trains the same model on two worker threads as on one, and reports the loss falling', async () => {
    const { train } = plantedClusters();
    const losses: number[] = [];
    const one = await als.train(train, small({ computeLoss: true }), {
      onProgress: (p) => losses.push(p.detail?.['loss'] as number),
    });
    const two = await als.train(train, small({ threads: 2 }));
    assert.equal(losses.length, 12);
    assert.ok((losses.at(-1) as number) < (losses[0] as number), `loss ${losses[0]} → ${losses.at(-1)}`);
    for (let u = 0; u < train.numUsers; u++) {
      const f = one.factors;
      const a = one.userFactors.subarray(u * f, (u + 1) * f);
      const b = two.userFactors.subarray(u * f, (u + 1) * f);
      assert.ok(cosine(a, b) > 0.999, `member ${u}`);
    }
  });

  it('round-trips a model through serialize and deserialize', async () => {
    const { train } = plantedClusters();
    const model = await als.train(train, small({ iterations: 3 }));
    const copy: AlsModel = als.deserialize(als.serialize(model));
    assert.deepEqual(copy.userIds, model.userIds);
    assert.deepEqual(copy.itemIds, model.itemIds);
    assert.deepEqual(copy.params, model.params);
    assert.deepEqual(copy.userFactors, model.userFactors);
    assert.deepEqual(copy.itemFactors, model.itemFactors);
    const users = allUsers(train);
    assert.deepEqual(als.recommend(copy, train, users, 7), als.recommend(model, train, users, 7));
  });

  it('rejects invalid params, naming the field', () => {
    const bad = alsParams.safeParse({ factors: 0, alpha: -1 });
    assert.equal(bad.success, false);
    const paths = bad.error?.issues.map((i) => i.path.join('.'));
    assert.deepEqual(paths?.sort(), ['alpha', 'factors']);
    const unknown = alsParams.safeParse({ factor: 10 });
    assert.match(unknown.error?.issues[0]?.message ?? '', /factor/);
    assert.deepEqual(alsParams.parse({}), {
      factors: 128,
      iterations: 30,
      regularization: 20,
      alpha: 0.4,
      cgSteps: 3,
      seed: 1,
      computeLoss: false,
    });
  });

  it('never recommends a seen title, and pads with -1 when the catalog is smaller than k', async () => {
    const plays: Interaction[] = [
      { userId: 'a', itemId: 'x' },
      { userId: 'a', itemId: 'y' },
      { userId: 'b', itemId: 'y' },
      { userId: 'b', itemId: 'z' },
      { userId: 'c', itemId: 'v' },
      { userId: 'c', itemId: 'w' },
    ];
    const m = buildMatrix(plays);
    const model = await als.train(m, small({ factors: 3 }));
    const k = 8;
    const recs = als.recommend(model, m, allUsers(m), k);
    for (let u = 0; u < m.numUsers; u++) {
      const row = [...recs.items.subarray(u * k, (u + 1) * k)];
      const seen = [...m.indices.subarray(m.indptr[u] as number, m.indptr[u + 1] as number)];
      const kept = row.filter((t) => t >= 0);
      assert.equal(kept.length, m.numItems - seen.length, `member ${u}: ${row}`);
      assert.ok(
        kept.every((t) => !seen.includes(t)),
        `member ${u} got a seen title: ${row}`,
      );
      assert.deepEqual(row.slice(kept.length), new Array(k - kept.length).fill(-1));
      const scores = [...recs.scores.subarray(u * k, u * k + kept.length)];
      assert.deepEqual(
        scores,
        [...scores].sort((x, y) => y - x),
        'best first',
      );
    }
  });

  it('scores a batch larger than one block exactly as the dense product would', async () => {
    const { train } = plantedClusters();
    const model = await als.train(train, small({ iterations: 2 }));
    // 1,500 rows of users (repeating the trained ones) cross the 1,024-member block boundary.
    const users = Int32Array.from({ length: 1500 }, (_, r) => r % train.numUsers);
    const empty = buildMatrix([], { userIds: train.userIds, itemIds: train.itemIds });
    const recs = als.recommend(model, empty, users, 3);
    const f = model.factors;
    for (const r of [0, 1023, 1024, 1499]) {
      const u = users[r] as number;
      const scores = Array.from({ length: train.numItems }, (_, i) => {
        let s = 0;
        for (let q = 0; q < f; q++)
          s += (model.userFactors[u * f + q] as number) * (model.itemFactors[i * f + q] as number);
        return s;
      });
      const best = scores.indexOf(Math.max(...scores));
      assert.equal(recs.items[r * 3], best, `row ${r}`);
      assert.ok(Math.abs((recs.scores[r * 3] as number) - (scores[best] as number)) < 1e-4);
    }
  });
});

describe('als SIMD kernels', () => {
  // n = 32 floats: two 16-float blocks, so block loops run more than once.
  const n = 32;
  const memory = sharedMemory(1 << 20);
  const k = instantiateKernels(memory);
  const f32 = new Float32Array(memory.buffer);
  const i32 = new Int32Array(memory.buffer);
  let next = 0;
  /** A float offset (×4 for the kernels' byte pointers) of `length` floats filled from `fill`. */
  const alloc = (length: number, fill: () => number = () => 0) => {
    const at = next;
    next += Math.ceil(length / 16) * 16;
    for (let j = 0; j < length; j++) f32[at + j] = fill();
    return at;
  };
  const rand = random(5);
  const values = () => rand() * 2 - 1;
  const close = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-4, `${a} vs ${b}`);

  it('agree with plain loops: symv, rowPass, dot and the CG updates', () => {
    const g = alloc(n * n, values);
    for (let a = 0; a < n; a++) for (let b = 0; b < a; b++) f32[g + a * n + b] = f32[g + b * n + a] as number;
    const v = alloc(n, values);
    const out = alloc(n);
    k.symv(4 * g, 4 * v, 4 * out, n, -2);
    for (let a = 0; a < n; a++) {
      let s = 0;
      for (let b = 0; b < n; b++) s += (f32[g + a * n + b] as number) * (f32[v + b] as number);
      close(f32[out + a] as number, -2 * s);
    }
    const y = alloc(10 * n, values);
    const indices = alloc(2);
    const vals = alloc(2);
    i32[indices] = 3;
    i32[indices + 1] = 7;
    f32[vals] = 2;
    f32[vals + 1] = -1.5;
    const before = f32.slice(out, out + n);
    k.rowPass(4 * y, 4 * indices, 4 * vals, 0, 2, n, 4 * v, 4 * out, 0.5, 1, -1);
    const dotY = (row: number, x: number) => {
      let s = 0;
      for (let j = 0; j < n; j++) s += (f32[y + row * n + j] as number) * (f32[x + j] as number);
      return s;
    };
    close(k.dot(4 * (y + 3 * n), 4 * v, n), dotY(3, v));
    for (let j = 0; j < n; j++) {
      let expected = before[j] as number;
      for (const [row, value] of [
        [3, 2],
        [7, -1.5],
      ] as const) {
        const w = 0.5 * Math.abs(value);
        expected += ((value > 0 ? 1 + w : 0) - w * dotY(row, v)) * (f32[y + row * n + j] as number);
      }
      close(f32[out + j] as number, expected);
    }
    const [x, r, p, ap] = [alloc(n, values), alloc(n, values), alloc(n, values), alloc(n, values)];
    const [x0, r0, p0] = [f32.slice(x, x + n), f32.slice(r, r + n), f32.slice(p, p + n)];
    const rr = k.cgUpdate(4 * x, 4 * r, 4 * p, 4 * ap, 0.3, n);
    let expectedRr = 0;
    for (let j = 0; j < n; j++) {
      close(f32[x + j] as number, (x0[j] as number) + 0.3 * (f32[p + j] as number));
      const rj = (r0[j] as number) - 0.3 * (f32[ap + j] as number);
      close(f32[r + j] as number, rj);
      expectedRr += rj * rj;
    }
    close(rr, expectedRr);
    k.cgDirection(4 * p, 4 * r, 0.7, n);
    for (let j = 0; j < n; j++) close(f32[p + j] as number, (f32[r + j] as number) + 0.7 * (p0[j] as number));
  });

  it('agree with plain loops: the Gram matrix (upper triangle) and block scoring', () => {
    const y = alloc(9 * n, values);
    const g = alloc(n * n);
    k.gramAdd(4 * y, 2, 9, n, 4 * g);
    for (let a = 0; a < n; a++) {
      for (let b = a; b < n; b++) {
        let s = 0;
        for (let row = 2; row < 9; row++)
          s += (f32[y + row * n + a] as number) * (f32[y + row * n + b] as number);
        close(f32[g + a * n + b] as number, s);
      }
    }
    // Four member rows (the first four of y) × two panels of eight titles.
    const titles = alloc(16 * n, values);
    const panels = alloc(16 * n);
    for (let t = 0; t < 16; t++)
      for (let q = 0; q < n; q++)
        f32[panels + (t >> 3) * n * 8 + q * 8 + (t & 7)] = f32[titles + t * n + q] as number;
    const scores = alloc(4 * 16);
    k.score4x8(4 * y, 4 * panels, 2, 4 * scores, n, 4 * 16);
    for (let u = 0; u < 4; u++) {
      for (let t = 0; t < 16; t++) {
        let s = 0;
        for (let q = 0; q < n; q++) s += (f32[y + u * n + q] as number) * (f32[titles + t * n + q] as number);
        close(f32[scores + u * 16 + t] as number, s);
      }
    }
    f32.set([0, 1, Number.NaN, 5, 0, 0, 0, 7, 2], scores);
    assert.equal(k.nextAbove(4 * scores, 0, 9, 1.5), 3);
    assert.equal(k.nextAbove(4 * scores, 4, 9, 1.5), 7);
    assert.equal(k.nextAbove(4 * scores, 8, 9, 1.5), 8);
    assert.equal(k.nextAbove(4 * scores, 0, 9, 10), 9);
  });
});
