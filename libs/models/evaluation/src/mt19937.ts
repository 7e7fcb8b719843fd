/**
 * numpy's legacy `RandomState` (what `np.random.seed(seed)` then `np.random.rand(n)` use), enough of
 * it to reproduce Recommenders' random splits bit for bit: MT19937 (Matsumoto & Nishimura 1998)
 * seeded with `init_genrand`, as numpy's `_legacy_seeding` does for an integer seed, and
 * `random_sample`'s 53-bit double built from two 32-bit draws (numpy `legacy_double`).
 */
const N = 624;
const M = 397;

export class LegacyRandomState {
  private readonly state = new Uint32Array(N);
  private position = N;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new RangeError(`seed must be an integer between 0 and 2**32 - 1, got ${seed}`);
    this.state[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const previous = this.state[i - 1] as number;
      this.state[i] = (Math.imul(1812433253, previous ^ (previous >>> 30)) + i) >>> 0;
    }
  }

  /** The next tempered 32-bit output (numpy `mt19937_next32`). */
  nextUint32(): number {
    if (this.position >= N) this.twist();
    let y = this.state[this.position++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** A double in [0, 1) with 53 random bits: `np.random.random_sample()` / `np.random.rand()`. */
  randomSample(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** `np.random.rand(n)`. */
  rand(n: number): Float64Array {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.randomSample();
    return out;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < N; i++) {
      const y = ((s[i] as number) & 0x80000000) | ((s[(i + 1) % N] as number) & 0x7fffffff);
      s[i] = ((s[(i + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.position = 0;
  }
}
