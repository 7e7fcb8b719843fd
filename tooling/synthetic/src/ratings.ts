import { RatingsBuilder, type RatingsDataset } from '@marquee/evaluation';
import { generateDataset, type GeneratorOptions, type SyntheticDataset } from './generator';

/**
 * The synthetic streaming service  as ratings: one row per (member, title)
 * pair in order of its first play, rating = how many times the member played it, time = the latest
 * play. Collapsing repeats keeps a title a member replayed from landing in both train and test.
 */
export function syntheticRatings(input: SyntheticDataset | GeneratorOptions): RatingsDataset {
  const data = 'plays' in input ? input : generateDataset(input);
  const pairs = new Map<string, { userId: string; itemId: string; plays: number; at: number }>();
  for (const play of data.plays) {
    const key = `${play.userId}\u0000${play.itemId}`;
    const at = Date.parse(play.timestamp);
    const pair = pairs.get(key);
    if (pair) {
      pair.plays += 1;
      pair.at = Math.max(pair.at, at);
    } else pairs.set(key, { userId: play.userId, itemId: play.itemId, plays: 1, at });
  }
  const builder = new RatingsBuilder();
  for (const pair of pairs.values()) builder.add(pair.userId, pair.itemId, pair.plays, pair.at);
  return builder.build({ name: `synthetic(seed=${data.seed})`, format: 'synthetic', catalog: data.catalog });
}
