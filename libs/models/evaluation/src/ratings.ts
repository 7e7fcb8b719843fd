import type { CatalogItem } from '@marquee/domain';

export type MovieLensFormat = 'ml-100k' | 'ml-1m' | 'ml-latest';
export type RatingsFormat = MovieLensFormat | 'synthetic';

/**
 * Ratings in columns, one entry per row in file order (the order a random split depends on), with
 * member and title ids interned: row r is member `userIds[users[r]]` rating title `itemIds[items[r]]`.
 * Columns of typed arrays keep ml-25m (25 million rows) at a few hundred MB.
 */
export interface RatingsDataset {
  /** "ml-100k", "ml-latest-small", "synthetic(seed=7)" — what reports call it. */
  name: string;
  format: RatingsFormat;
  /** The file the ratings were read from, when they came from one. */
  source?: string;
  userIds: string[];
  itemIds: string[];
  users: Int32Array;
  items: Int32Array;
  ratings: Float32Array;
  /** Event time in ms since the epoch. */
  timestamps: Float64Array;
  /** Titles and genres, when the dataset ships them (u.item, movies.dat, movies.csv). */
  catalog?: CatalogItem[];
}

export interface DatasetSummary {
  name: string;
  format: RatingsFormat;
  source?: string;
  ratings: number;
  members: number;
  items: number;
}

export function summarize(dataset: RatingsDataset): DatasetSummary {
  return {
    name: dataset.name,
    format: dataset.format,
    ...(dataset.source ? { source: dataset.source } : {}),
    ratings: dataset.users.length,
    members: dataset.userIds.length,
    items: dataset.itemIds.length,
  };
}

/** Accumulates rows while a file streams in; arrays double as they fill. */
export class RatingsBuilder {
  private readonly userIndex = new Map<string, number>();
  private readonly itemIndex = new Map<string, number>();
  private readonly userIds: string[] = [];
  private readonly itemIds: string[] = [];
  private users = new Int32Array(1024);
  private items = new Int32Array(1024);
  private ratings = new Float32Array(1024);
  private timestamps = new Float64Array(1024);
  private size = 0;

  get length(): number {
    return this.size;
  }

  add(userId: string, itemId: string, rating: number, timestampMs: number): void {
    if (this.size === this.users.length) this.grow();
    this.users[this.size] = intern(userId, this.userIndex, this.userIds);
    this.items[this.size] = intern(itemId, this.itemIndex, this.itemIds);
    this.ratings[this.size] = rating;
    this.timestamps[this.size] = timestampMs;
    this.size++;
  }

  build(meta: Pick<RatingsDataset, 'name' | 'format' | 'source' | 'catalog'>): RatingsDataset {
    return {
      ...meta,
      userIds: this.userIds,
      itemIds: this.itemIds,
      users: this.users.slice(0, this.size),
      items: this.items.slice(0, this.size),
      ratings: this.ratings.slice(0, this.size),
      timestamps: this.timestamps.slice(0, this.size),
    };
  }

  private grow(): void {
    const capacity = this.users.length * 2;
    const users = new Int32Array(capacity);
    const items = new Int32Array(capacity);
    const ratings = new Float32Array(capacity);
    const timestamps = new Float64Array(capacity);
    users.set(this.users);
    items.set(this.items);
    ratings.set(this.ratings);
    timestamps.set(this.timestamps);
    this.users = users;
    this.items = items;
    this.ratings = ratings;
    this.timestamps = timestamps;
  }
}

function intern(id: string, index: Map<string, number>, ids: string[]): number {
  let i = index.get(id);
  if (i === undefined) {
    i = ids.length;
    index.set(id, i);
    ids.push(id);
  }
  return i;
}
