import memjs from 'memjs';
import type { Logger } from '@marquee/observability';
import { coalesceWrites } from './coalesced-writes';
import { ServerRing, parseServers } from './server-ring';

/** After a failure, a server is skipped this long instead of paying the timeout on every call. */
const COOLDOWN_MS = 1000;

/** The least memjs waits before giving a connection up (see the constructor). */
const MEMJS_CONNECTION_TIMEOUT_MS = 2000;

export interface CacheStats {
  hits: number;
  misses: number;
  errors: number;
}

export interface CacheOptions {
  /** Per-operation deadline; the cache must never be slower than the store behind it. */
  timeoutMs: number;
  /** Prefix of every key, so two keyspaces sharing a memcached pool never read each other's entries. */
  namespace?: string;
}

/**
 * memcached as a cache in front of Cassandra: JSON values with TTLs. Every failure is logged,
 * counted and swallowed, because the system is correct without the cache and refills it. With a
 * pool of servers (a comma-separated list) each key lives on the server a consistent-hash ring
 * names, so a change of the pool moves only the share of the server added or removed.
 */
export class Cache {
  private readonly client: memjs.Client;
  private readonly timeoutMs: number;
  /** When each failed server is tried again: one dead server of a pool leaves the others in use. */
  private readonly downUntil = new Map<string, number>();
  private readonly prefix: string;
  readonly ring: ServerRing;
  readonly stats: CacheStats = { hits: 0, misses: 0, errors: 0 };

  constructor(
    servers: string,
    private readonly logger: Logger,
    options: CacheOptions,
  ) {
    this.timeoutMs = options.timeoutMs;
    this.prefix = options.namespace ? `${options.namespace}:` : '';
    this.ring = new ServerRing(parseServers(servers));
    this.client = memjs.Client.create(this.ring.servers.join(','), {
      retries: 0,
      // memjs's own request timeout closes the connection and fails every request on it. It only
      // backs up the per-operation deadline below, for a server that stopped answering: set to the
      // deadline, one busy event-loop turn (a GC, a starved core) failed hundreds of writes at once.
      timeout: Math.max(MEMJS_CONNECTION_TIMEOUT_MS, 4 * this.timeoutMs) / 1000,
      conntimeout: this.timeoutMs / 1000,
      keepAlive: true,
      logger: { log: () => undefined },
    });
    coalesceWrites(this.client.servers);
    // memjs asks getServer for the index of a key's server in its list, the ring's list (its
    // typings say a string; memjs 1.3 indexes `servers` with the result).
    const index = new Map(this.ring.servers.map((server, i) => [server, i]));
    (this.client as unknown as { getServer: (key: string) => number }).getServer = (key) =>
      index.get(this.ring.serverFor(key)) ?? 0;
  }

  /** Whether every server of the pool answers (none is cooling down after a failure). */
  get available(): boolean {
    const now = Date.now();
    for (const until of this.downUntil.values()) if (now < until) return false;
    return true;
  }

  /** Whether the server holding this key answers; a failed server is skipped for COOLDOWN_MS. */
  private serves(key: string): boolean {
    const until = this.downUntil.get(this.ring.serverFor(this.prefix + key));
    return until === undefined || Date.now() >= until;
  }

  async getJson<T>(key: string): Promise<T | undefined> {
    if (!this.serves(key)) return undefined;
    try {
      const { value } = await this.withDeadline(this.client.get(this.prefix + key), key);
      if (!value) {
        this.stats.misses += 1;
        return undefined;
      }
      this.stats.hits += 1;
      return JSON.parse(value.toString('utf8')) as T;
    } catch (error) {
      this.fail('get', key, error);
      return undefined;
    }
  }

  async setJson(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    if (!this.serves(key)) return false;
    try {
      return await this.withDeadline(
        this.client.set(this.prefix + key, JSON.stringify(value), { expires: ttlSeconds }),
        key,
      );
    } catch (error) {
      this.fail('set', key, error);
      return false;
    }
  }

  /**
   * Stores the value only if the key holds none: how readers refill the cache after a miss. A
   * reader's copy comes from Cassandra and may be older than what a writer (nearline) has set since
   * the reader looked, so the refill must never replace a value. Returns whether it was stored.
   */
  async addJson(key: string, value: unknown, ttlSeconds: number): Promise<boolean> {
    if (!this.serves(key)) return false;
    try {
      return await this.withDeadline(
        this.client.add(this.prefix + key, JSON.stringify(value), { expires: ttlSeconds }),
        key,
      );
    } catch (error) {
      this.fail('add', key, error);
      return false;
    }
  }

  async delete(key: string): Promise<void> {
    if (!this.serves(key)) return;
    try {
      await this.withDeadline(this.client.delete(this.prefix + key), key);
    } catch (error) {
      this.fail('delete', key, error);
    }
  }

  /** memcached `version`: the health check. Throws when the server does not answer. */
  async version(): Promise<string> {
    const versions = await this.withDeadline(
      new Promise<string>((resolve, reject) => {
        this.client.stats((error, _server, stats) =>
          error ? reject(error) : resolve(String(stats?.['version'])),
        );
      }),
      'version',
    );
    return versions;
  }

  close(): void {
    this.client.close();
  }

  private fail(op: string, key: string, error: unknown): void {
    this.stats.errors += 1;
    const server = this.ring.serverFor(this.prefix + key);
    this.downUntil.set(server, Date.now() + COOLDOWN_MS);
    this.logger.warn(
      { op, key, server, error: (error as Error).message },
      'memcached unavailable; reading through to Cassandra',
    );
  }

  /**
   * The operation, or an error once `timeoutMs` passed without an answer. A timer that fires late
   * (the event loop was busy past the deadline) runs before the loop reads the sockets, so the
   * answer may be waiting unread: the deadline rejects only after one more turn of I/O.
   */
  private withDeadline<T>(promise: Promise<T>, key: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    let late: NodeJS.Immediate | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        late = setImmediate(() =>
          reject(new Error(`memcached did not answer within ${this.timeoutMs} ms (${key})`)),
        );
      }, this.timeoutMs);
    });
    return Promise.race([promise, deadline]).finally(() => {
      clearTimeout(timer);
      if (late) clearImmediate(late);
    });
  }
}
