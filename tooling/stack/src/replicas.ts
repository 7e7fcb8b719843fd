import fs from 'node:fs';
import path from 'node:path';

/** What `--replicas` sets: app processes per tier, and memcached servers in the local pool. */
export interface Replicas {
  online: number;
  nearline: number;
  worker: number;
  memcached: number;
}

export const SINGLE: Replicas = { online: 1, nearline: 1, worker: 1, memcached: 1 };

const TIERS = Object.keys(SINGLE) as Array<keyof Replicas>;

/** Each tier's ceiling: ports step by 3 from the tier's port, and a laptop has only so many cores. */
const MAX: Record<keyof Replicas, number> = { online: 8, nearline: 8, worker: 8, memcached: 4 };

/**
 * Parses `online=2,nearline=2,worker=2,memcached=2` (tiers left out run one process). Throws an
 * error naming each bad part: an unknown tier, a count that is not a whole number from 1 to the
 * ceiling, or more nearline processes than `plays` has partitions (the extra ones would sit idle).
 */
export function parseReplicas(text: string, playsPartitions: number): Replicas {
  const replicas = { ...SINGLE };
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^([a-z-]+)=(.*)$/.exec(part);
    if (!match) {
      problems.push(`'${part}': expected tier=count, e.g. online=2`);
      continue;
    }
    const [, tier = '', count = ''] = match;
    if (!(TIERS as string[]).includes(tier)) {
      problems.push(`'${part}': unknown tier '${tier}'; known: ${TIERS.join(', ')}`);
      continue;
    }
    if (seen.has(tier)) problems.push(`'${part}': ${tier} is given twice`);
    seen.add(tier);
    const key = tier as keyof Replicas;
    const max = key === 'nearline' ? Math.min(MAX.nearline, playsPartitions) : MAX[key];
    const n = Number(count);
    if (!/^\d+$/.test(count) || n < 1 || n > max) {
      const why =
        key === 'nearline' && n > playsPartitions && n <= MAX.nearline
          ? ` (plays has ${playsPartitions} partitions; more processes would sit idle)`
          : '';
      problems.push(`'${part}': ${tier} must be a whole number from 1 to ${max}${why}, got '${count}'`);
      continue;
    }
    replicas[key] = n;
  }
  if (problems.length > 0) throw new Error(`--replicas: ${problems.join('; ')}`);
  return replicas;
}

/** `online=2,nearline=2,worker=2,memcached=1` */
export function formatReplicas(replicas: Replicas): string {
  return TIERS.map((tier) => `${tier}=${replicas[tier]}`).join(',');
}

/** The layout `stack up --replicas` started, kept so `status` and `down` find every process. */
export function layoutFile(stateDir: string): string {
  return path.join(stateDir, 'run', 'replicas.json');
}

export function readLayout(stateDir: string): Replicas | undefined {
  try {
    const saved = JSON.parse(fs.readFileSync(layoutFile(stateDir), 'utf8')) as Partial<Replicas>;
    return { ...SINGLE, ...saved };
  } catch {
    return undefined;
  }
}

export function writeLayout(stateDir: string, replicas: Replicas): void {
  fs.mkdirSync(path.dirname(layoutFile(stateDir)), { recursive: true });
  fs.writeFileSync(layoutFile(stateDir), `${JSON.stringify(replicas)}\n`);
}

export function clearLayout(stateDir: string): void {
  fs.rmSync(layoutFile(stateDir), { force: true });
}
