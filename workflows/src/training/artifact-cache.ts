/**
 * Keeps the last few loaded artifacts (snapshots, models) per worker process, so the shards of one
 * batch-scoring run load them once instead of once per shard.
 */
export class ArtifactCache {
  private readonly entries = new Map<string, Promise<unknown>>();

  constructor(private readonly capacity = 4) {}

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit as Promise<T>;
    }
    const loading = load();
    loading.catch(() => this.entries.delete(key));
    this.entries.set(key, loading);
    while (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    return loading;
  }
}
