import { DEVICES, type CatalogItem, type Device, type Play } from '@marquee/domain';
import { drawIndex, seededRandom } from './random';

export const GENRES = [
  'Drama',
  'Comedy',
  'Thriller',
  'Documentary',
  'Animation',
  'Sci-Fi',
  'Romance',
  'Horror',
  'Action',
  'Family',
] as const;

const ADJECTIVES = [
  'Silent',
  'Crimson',
  'Last',
  'Hidden',
  'Golden',
  'Broken',
  'Midnight',
  'Distant',
  'Wild',
  'Secret',
  'Electric',
  'Frozen',
  'Lost',
  'Burning',
  'Quiet',
  'Northern',
  'Hollow',
  'Bright',
  'Savage',
  'Gentle',
];
const NOUNS = [
  'River',
  'Empire',
  'Garden',
  'Signal',
  'Harbor',
  'Kingdom',
  'Letter',
  'Orbit',
  'Station',
  'Summer',
  'Forest',
  'Mirror',
  'Voyage',
  'Island',
  'Protocol',
  'Canyon',
  'Carnival',
  'Archive',
  'Frontier',
  'Lantern',
];

export interface SyntheticMember {
  memberId: string;
  genres: string[];
  device: Device;
  /** Hour of day (0-23) around which this member watches. */
  peakHour: number;
}

export interface SyntheticDataset {
  seed: number;
  catalog: CatalogItem[];
  members: SyntheticMember[];
  plays: Play[];
}

export interface GeneratorOptions {
  seed: number;
  items: number;
  members: number;
  playsPerMember: number;
  /** Plays fall in the `days` days before `now`. */
  days: number;
  now: Date;
  /** Zipf exponent of item popularity: higher means a longer, thinner tail. */
  zipf?: number;
  /** Prefix of event ids, so two datasets never share an id by accident. */
  eventPrefix?: string;
}

/**
 * A synthetic streaming service: a catalog with a long-tail popularity (Zipf), genres, and members
 * with genre tastes, a favourite device and a time of day. Deterministic for a seed.
 */
export function generateDataset(options: GeneratorOptions): SyntheticDataset {
  const random = seededRandom(options.seed);
  const zipf = options.zipf ?? 1.1;
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;

  const catalog: CatalogItem[] = [];
  for (let i = 0; i < options.items; i++) {
    const genreCount = 1 + Math.floor(random() * 2);
    const genres = new Set<string>();
    while (genres.size < genreCount) genres.add(pick(GENRES));
    catalog.push({
      itemId: `i${i + 1}`,
      title: `The ${pick(ADJECTIVES)} ${pick(NOUNS)}${i >= 400 ? ` ${Math.floor(i / 400) + 1}` : ''}`,
      genres: [...genres],
      year: 1970 + Math.floor(random() * 56),
    });
  }

  // Item popularity follows Zipf by a shuffled rank, so popular titles spread across genres.
  const ranks = catalog.map((_, i) => i);
  for (let i = ranks.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [ranks[i], ranks[j]] = [ranks[j] as number, ranks[i] as number];
  }
  const popularity = ranks.map((rank) => 1 / Math.pow(rank + 1, zipf));

  const members: SyntheticMember[] = [];
  for (let m = 0; m < options.members; m++) {
    const genres = new Set<string>([pick(GENRES)]);
    if (random() < 0.6) genres.add(pick(GENRES));
    members.push({
      memberId: `m${m + 1}`,
      genres: [...genres],
      device: pick(DEVICES),
      peakHour: pick([8, 12, 19, 21, 23]),
    });
  }

  const plays: Play[] = [];
  const prefix = options.eventPrefix ?? `syn${options.seed}`;
  const dayMs = 24 * 3600 * 1000;
  const start = options.now.getTime() - options.days * dayMs;
  for (const member of members) {
    // Taste: items of the member's genres are five times as likely.
    const cumulative = new Float64Array(catalog.length);
    let total = 0;
    catalog.forEach((item, i) => {
      const affinity = item.genres.some((g) => member.genres.includes(g)) ? 5 : 1;
      total += (popularity[i] as number) * affinity;
      cumulative[i] = total;
    });
    const count = Math.max(1, Math.round(options.playsPerMember * (0.5 + random())));
    for (let p = 0; p < count; p++) {
      const item = catalog[drawIndex(cumulative, random)] as CatalogItem;
      const day = Math.floor(random() * options.days);
      const hour = (member.peakHour + Math.round((random() - 0.5) * 4) + 24) % 24;
      const timestamp = Math.min(
        options.now.getTime() - 1000,
        start + day * dayMs + hour * 3600_000 + Math.floor(random() * 3600_000),
      );
      const durationMs = (20 + Math.floor(random() * 100)) * 60_000;
      const finished = random() < 0.55;
      plays.push({
        eventId: `${prefix}-${member.memberId}-${p}`,
        userId: member.memberId,
        itemId: item.itemId,
        device: random() < 0.7 ? member.device : pick(DEVICES),
        timestamp: new Date(timestamp).toISOString(),
        positionMs: finished ? durationMs : Math.floor(random() * durationMs * 0.9),
        durationMs,
      });
    }
  }
  plays.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  return { seed: options.seed, catalog, members, plays };
}
