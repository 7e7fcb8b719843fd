/** Genre × context affinities as stored and served: one cell per (dimension, context, genre). */
export type AffinityDimension = 'device' | 'hour';

export interface AffinityCell {
  dimension: AffinityDimension;
  /** A device type (`tv`) or an hour of the day in UTC (`0`..`23`), the clock plays are stored in. */
  context: string;
  genre: string;
  /** Plays of the genre in the context; a play of a title with two genres counts for both. */
  plays: number;
  /** The genre's share of the context's plays over its share of all plays (smoothed); 1 is neutral. */
  lift: number;
}
