import type { AffinityTable, ContextLifts } from '@marquee/algorithms';
import type { PageContext } from './context';

/**
 * Lifts are clamped, so context nudges a ranking instead of overturning it: a title can at most
 * double (or halve) its score for being of a genre that suits the device and hour.
 */
const MIN_LIFT = 0.5;
const MAX_LIFT = 2;

const clamp = (lift: number | undefined) => Math.min(MAX_LIFT, Math.max(MIN_LIFT, lift ?? 1));

/** The context's lifts, or null when no affinities are published (every boost is then 1). */
export function contextLifts(context: PageContext, affinities: AffinityTable): ContextLifts | null {
  return affinities.size > 0 ? affinities.liftsFor(context.device, context.utcHour) : null;
}

/**
 * How well a title's genres suit the context: the mean device lift of its genres times their mean
 * hour-of-day lift (both computed offline). 1 for titles without genres or without affinities.
 */
export function contextBoost(genres: readonly string[], lifts: ContextLifts | null): number {
  if (!lifts || genres.length === 0) return 1;
  let device = 0;
  let hour = 0;
  for (const genre of genres) {
    device += clamp(lifts.device.get(genre));
    hour += clamp(lifts.hour.get(genre));
  }
  return (device / genres.length) * (hour / genres.length);
}

/**
 * For lists that are not personal (the control group's popular list): titles of the genres the
 * member plays most rise, by 1 + their share of the member's recent plays.
 */
export function tasteBoost(genres: readonly string[], taste: ReadonlyMap<string, number>): number {
  let best = 0;
  for (const genre of genres) best = Math.max(best, taste.get(genre) ?? 0);
  return 1 + best;
}
