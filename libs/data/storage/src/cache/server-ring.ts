import HashRing from 'hashring';

/**
 * Which memcached server of a pool holds a key: a ketama-compatible consistent-hash ring (160
 * points per server), so adding or losing one server moves only that server's share of the keys.
 * memjs on its own picks `hash(key) % servers`, which moves almost every key when the pool changes
 * size, as if the whole cache had been flushed.
 */
export class ServerRing {
  private readonly ring: HashRing;
  readonly servers: readonly string[];

  constructor(servers: readonly string[]) {
    if (servers.length === 0) throw new Error('a memcached pool needs at least one server');
    this.servers = servers;
    this.ring = new HashRing([...servers], 'md5');
  }

  /** The server of a key, as written in the pool's list. */
  serverFor(key: string): string {
    return this.ring.get(key);
  }
}

/** The servers of a comma-separated list (MARQUEE_MEMCACHED_SERVERS), trimmed, without duplicates. */
export function parseServers(list: string): string[] {
  const servers = [
    ...new Set(
      list
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  if (servers.length === 0) throw new Error(`no memcached server in '${list}'`);
  return servers;
}
