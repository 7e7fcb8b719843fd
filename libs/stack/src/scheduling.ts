import fs from 'node:fs';
import path from 'node:path';

/**
 * How the local stack schedules a process. `batch` is Linux's SCHED_BATCH: the process keeps its full
 * share of the cores, but its wake-ups do not preempt what is running. Kafka, Cassandra, Temporal,
 * nearline and the offline worker run so; online and memcached (on online's read path) stay
 * `normal`. On a 2-core machine the background processes' wake-ups (a Cassandra flush, a consumer
 * fetch, a Temporal timer) otherwise took the core from online in the middle of a request: at 2,000
 * requests/s its p99 halved (README, online benchmark). Any user may choose SCHED_BATCH.
 */
export type Scheduling = 'normal' | 'batch';

/** Linux's scheduling policies by number (sched(7)), as /proc/<pid>/stat reports them. */
const POLICIES = ['normal', 'fifo', 'rr', 'batch', 'iso', 'idle', 'deadline'] as const;
export type Policy = (typeof POLICIES)[number] | 'unknown';

/** util-linux's chrt on PATH, where the machine has it. */
function findChrt(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, 'chrt');
    if (fs.existsSync(candidate)) return candidate;
  }
  return null;
}

export interface Launch {
  command: string;
  args: string[];
  /** What the process will actually run as (normal where chrt is missing). */
  scheduling: Scheduling;
}

/**
 * The command that starts `command args` under `scheduling`: through `chrt --batch 0`, which execs
 * it (same pid, every later thread inherits the policy). Without chrt it starts as it is.
 */
export function launch(
  command: string,
  args: string[],
  scheduling: Scheduling,
  chrt: string | null = findChrt(),
): Launch {
  if (scheduling === 'normal' || chrt === null) return { command, args, scheduling: 'normal' };
  return { command: chrt, args: ['--batch', '0', command, ...args], scheduling };
}

/**
 * The policy in /proc/<pid>/stat text: field 41, counted after the command name, which sits in
 * parentheses and may itself hold spaces or parentheses (proc(5)).
 */
export function policyInStat(stat: string): Policy {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state).
  const policy = Number(fields[41 - 3]);
  return Number.isInteger(policy) ? (POLICIES[policy] ?? 'unknown') : 'unknown';
}

/** A running process's policy, or null where /proc does not tell (not Linux, or the process is gone). */
export function policyOf(pid: number): Policy | null {
  try {
    return policyInStat(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}
