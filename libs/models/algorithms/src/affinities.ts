import type { AffinityCell, AffinityDimension } from '@marquee/domain';

/**
 * Genre × context affinities: how much more (or less) a genre is watched on a device type, or at an
 * hour of the day, than overall. Computed offline from the stored plays and the catalog; the online
 * service re-ranks rows with them, so context preferences are data, not code.
 */
/**
 * Pseudo-plays of the smoothing prior: a context with few plays keeps lifts near 1 instead of
 * swinging on a handful of plays (additive smoothing toward the overall share).
 */
export const AFFINITY_PRIOR_PLAYS = 20;

const SEP = '\u0000';

/** Accumulates plays (with their titles' genres) into per-context genre counts. */
export class AffinityCounter {
  private readonly counts = new Map<string, number>();
  private counted = 0;

  add(play: { device: string; playedAt: Date }, genres: readonly string[]): void {
    if (genres.length === 0) return;
    this.counted += 1;
    const hour = String(play.playedAt.getUTCHours());
    for (const genre of new Set(genres)) {
      this.bump(`device${SEP}${play.device}${SEP}${genre}`);
      this.bump(`hour${SEP}${hour}${SEP}${genre}`);
    }
  }

  /** Plays that had at least one genre (titles missing from the catalog are skipped). */
  get plays(): number {
    return this.counted;
  }

  /**
   * Every (dimension, context, genre) cell, including genres never played in a context (their lift
   * is below 1, which is information too):
   * lift(g, c) = ((n_gc + α·p_g) / (n_c + α)) / p_g, with p_g the genre's share of all plays.
   */
  cells(): AffinityCell[] {
    const genreTotals = new Map<string, number>();
    const contextTotals = new Map<string, number>();
    for (const [key, n] of this.counts) {
      const [dimension, context, genre] = key.split(SEP) as [AffinityDimension, string, string];
      contextTotals.set(
        `${dimension}${SEP}${context}`,
        (contextTotals.get(`${dimension}${SEP}${context}`) ?? 0) + n,
      );
      // Each play counts once per dimension, so totals from one dimension are the genre totals.
      if (dimension === 'device') genreTotals.set(genre, (genreTotals.get(genre) ?? 0) + n);
    }
    let total = 0;
    for (const n of genreTotals.values()) total += n;
    const cells: AffinityCell[] = [];
    for (const [contextKey, contextPlays] of contextTotals) {
      const [dimension, context] = contextKey.split(SEP) as [AffinityDimension, string];
      for (const [genre, genrePlays] of genreTotals) {
        const share = genrePlays / total;
        const plays = this.counts.get(`${contextKey}${SEP}${genre}`) ?? 0;
        const lift = (plays + AFFINITY_PRIOR_PLAYS * share) / (contextPlays + AFFINITY_PRIOR_PLAYS) / share;
        cells.push({ dimension, context, genre, plays, lift: Math.round(lift * 1e4) / 1e4 });
      }
    }
    return cells.sort(
      (a, b) =>
        a.dimension.localeCompare(b.dimension) ||
        a.context.localeCompare(b.context, 'en', { numeric: true }) ||
        a.genre.localeCompare(b.genre),
    );
  }

  private bump(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }
}

/** A context's lifts by genre; a genre missing from a map is neutral (1). */
export interface ContextLifts {
  device: ReadonlyMap<string, number>;
  hour: ReadonlyMap<string, number>;
}

/** Lookups over a published set of cells; unknown cells are neutral (lift 1). */
export class AffinityTable {
  private readonly lifts = new Map<string, number>();
  private readonly shares = new Map<string, number>();
  private readonly contexts = new Map<string, ContextLifts>();

  constructor(
    cells: readonly AffinityCell[],
    /** The version the cells were published under; null before any was. */
    readonly version: string | null,
  ) {
    let total = 0;
    for (const cell of cells) {
      this.lifts.set(`${cell.dimension}${SEP}${cell.context}${SEP}${cell.genre}`, cell.lift);
      if (cell.dimension === 'device') {
        this.shares.set(cell.genre, (this.shares.get(cell.genre) ?? 0) + cell.plays);
        total += cell.plays;
      }
    }
    for (const [genre, plays] of this.shares) this.shares.set(genre, total > 0 ? plays / total : 0);
  }

  static empty(): AffinityTable {
    return new AffinityTable([], null);
  }

  get size(): number {
    return this.lifts.size;
  }

  lift(dimension: AffinityDimension, context: string, genre: string): number {
    return this.lifts.get(`${dimension}${SEP}${context}${SEP}${genre}`) ?? 1;
  }

  /**
   * Every genre's lifts for one device and hour, as two maps: what a page looks up per title, built
   * once per context (at most device types × 24) instead of once per lookup.
   */
  liftsFor(deviceType: string, hourOfDay: number): ContextLifts {
    const key = `${deviceType}${SEP}${hourOfDay}`;
    let lifts = this.contexts.get(key);
    if (!lifts) {
      const byDevice = new Map<string, number>();
      const byHour = new Map<string, number>();
      for (const genre of this.shares.keys()) {
        byDevice.set(genre, this.lift('device', deviceType, genre));
        byHour.set(genre, this.lift('hour', String(hourOfDay), genre));
      }
      lifts = { device: byDevice, hour: byHour };
      this.contexts.set(key, lifts);
    }
    return lifts;
  }

  /** The genre's share of all plays (0 when unknown). */
  share(genre: string): number {
    return this.shares.get(genre) ?? 0;
  }
}
