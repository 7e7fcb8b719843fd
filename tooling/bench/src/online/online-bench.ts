import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import autocannon from 'autocannon';
import { mintToken } from '@marquee/auth';
import type { MarqueeConfig } from '@marquee/config';
import { DEVICES } from '@marquee/domain';
import { loadBenchRules } from './bench-rules';
import type { Percentiles } from './open-loop';
import { openLoopInChild } from './open-loop-process';

export interface OnlineBenchOptions {
  /** Demo members m1..mN are requested at random, each with its own device token. */
  members: number;
  connections: number;
  saturationSeconds: number;
  rate: number;
  latencySeconds: number;
  warmupSeconds: number;
  /** Active merchandising rules to measure the same service with, after it is measured without (0: none). */
  rules?: number;
}

export const DEFAULT_ONLINE_BENCH: OnlineBenchOptions = {
  members: 200,
  connections: 64,
  saturationSeconds: 30,
  rate: 2000,
  latencySeconds: 30,
  warmupSeconds: 10,
};

export interface SaturationResult {
  rps: number;
  /** The 2xx answers alone, per second. */
  okRps: number;
  errors: number;
  non2xx: number;
}

/** The JSON `marquee bench online --json` prints. */
export interface OnlineBenchResult {
  /**
   * `rpsRatio` compares pages served, the 2xx answers per second: on a fast machine the closed loop
   * passes the demo members' device rate limits, and a 429 costs the service far less than a page.
   */
  saturation: { ours: SaturationResult; bare: SaturationResult; rpsRatio: number };
  latency: { rate: number; ours: Percentiles; bare: Percentiles };
  /** With `rules` active rules against without (the mean of the runs before and after), same service, same run. */
  rules?: RulesCost;
}

export interface RulesCost {
  count: number;
  /** The rules version the pages named while measured with rules. */
  version: number;
  withoutRps: number;
  withRps: number;
  rpsRatio: number;
  p99WithoutMs: number;
  p99WithMs: number;
  p99Ratio: number;
}

export interface Target {
  origin: string;
  request: () => { path: string; headers: Record<string, string> };
}

/** Closed loop: `connections` each send the next request when the previous is answered. */
export async function saturate(
  target: Target,
  connections: number,
  seconds: number,
): Promise<SaturationResult> {
  const result = await autocannon({
    url: target.origin,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'GET',
        setupRequest: (request) => {
          const { path: next, headers } = target.request();
          return { ...request, path: next, headers: { ...request.headers, ...headers } };
        },
      },
    ],
  });
  return {
    rps: Math.round(result.requests.total / result.duration),
    errors: result.errors,
    non2xx: result.non2xx,
    okRps: Math.round((result.requests.total - result.non2xx) / result.duration),
  };
}

/** A pause between phases, so one phase's leftovers (sockets closing, collections) are not the next one's. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 2000));

function startBareServer(host: string, body: string): Promise<{ child: ChildProcess; origin: string }> {
  const child = fork(path.join(__dirname, 'bare-server.js'), {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('message', (message: { port: number }) =>
      resolve({ child, origin: `http://${host}:${message.port}` }),
    );
    child.once('exit', (code) => reject(new Error(`the bare Fastify server exited with ${code}`)));
    child.send({ body, host });
  });
}

export interface MemberRequests {
  origin: string;
  /** One rows request per member, with the member's device token. */
  requests: Array<{ path: string; headers: Record<string, string> }>;
  /** A random one of them. */
  request: () => { path: string; headers: Record<string, string> };
  /** The page the first member's request answered (200). */
  body: string;
}

/**
 * The rows requests of demo members m1..m`members` against the running online service, each with a
 * valid device token; fails with what to do when the service does not answer or refuses the tokens.
 */
export async function memberRequests(config: MarqueeConfig, members: number): Promise<MemberRequests> {
  const origin = `http://${config.host}:${config.online.port}`;
  const health = await fetch(`${origin}/health`).catch(() => null);
  if (!health?.ok)
    throw new Error(
      `the online service does not answer at ${origin}/health: start the platform first (npm start)`,
    );
  const tokens = await Promise.all(
    Array.from({ length: members }, (_, m) =>
      mintToken({ role: 'device', memberId: `m${m + 1}` }, config.auth.secret),
    ),
  );
  // Each member browses from one device type, as members do; a request goes to a random member.
  const requests = tokens.map((token, m) => ({
    path: `/v1/users/m${m + 1}/rows?device=${DEVICES[m % DEVICES.length] as string}`,
    headers: { authorization: `Bearer ${token}` },
  }));
  const request = () => requests[Math.floor(Math.random() * requests.length)] as (typeof requests)[0];
  const sample = await fetch(`${origin}${(requests[0] as (typeof requests)[0]).path}`, {
    headers: { authorization: `Bearer ${tokens[0]}` },
  });
  const body = await sample.text();
  if (sample.status !== 200)
    throw new Error(
      `GET rows answered ${sample.status} (${body.slice(0, 200)}); is MARQUEE_JWT_SECRET the same as the service's?`,
    );
  return { origin, requests, request, body };
}

/**
 * `marquee bench online`: the running online service against a bare Fastify route answering a fixed
 * page of the same size on the same machine (its ceiling, measured in the same run). Random demo
 * members with valid device tokens, warm caches after a warm-up; then saturation (closed loop) and
 * latency at a fixed offered rate (open loop, coordinated omission corrected).
 */
export async function runOnlineBench(
  config: MarqueeConfig,
  options: OnlineBenchOptions,
  log: (line: string) => void,
): Promise<OnlineBenchResult> {
  const { origin, requests, request, body } = await memberRequests(config, options.members);
  const bare = await startBareServer(config.host, body);
  try {
    const ours: Target = { origin, request };
    const baseline: Target = { origin: bare.origin, request };
    log(
      `warm-up: ${options.warmupSeconds} s each (page of ${body.length} bytes, ${options.members} members)`,
    );
    await saturate(ours, options.connections, options.warmupSeconds);
    await saturate(baseline, options.connections, Math.min(5, options.warmupSeconds));

    log(`saturation: ${options.connections} connections, ${options.saturationSeconds} s each`);
    await settle();
    const saturatedOurs = await saturate(ours, options.connections, options.saturationSeconds);
    log(`  ours ${JSON.stringify(saturatedOurs)}`);
    await settle();
    const saturatedBare = await saturate(baseline, options.connections, options.saturationSeconds);
    log(`  bare ${JSON.stringify(saturatedBare)}`);

    // The latency window follows a warm-up at the same rate in the same process: after the pause
    // between phases the service's near cache has expired (the bare route was loaded meanwhile), and
    // without it the first second of re-blending every member was about 1 % of the requests, p99.
    const latencyWarmupSeconds = Math.min(5, options.warmupSeconds);
    log(
      `latency: ${options.rate} requests/s open loop, ${options.latencySeconds} s each after ${latencyWarmupSeconds} s at that rate unmeasured`,
    );
    const latency = async (target: Target) => {
      await settle();
      const result = await openLoopInChild({
        origin: target.origin,
        rate: options.rate,
        durationMs: options.latencySeconds * 1000,
        warmupMs: latencyWarmupSeconds * 1000,
        requests,
      });
      log(`  ${target === ours ? 'ours' : 'bare'} ${JSON.stringify(result)}`);
      return { p50Ms: result.p50Ms, p90Ms: result.p90Ms, p99Ms: result.p99Ms };
    };
    const latencyOurs = await latency(ours);
    const latencyBare = await latency(baseline);
    const rules =
      options.rules && options.rules > 0
        ? await measureWithRules(config, options, ours, requests, log, {
            rps: saturatedOurs.okRps,
            p99Ms: latencyOurs.p99Ms,
            latency: (target) => latency(target),
          })
        : undefined;
    return {
      saturation: {
        ours: saturatedOurs,
        bare: saturatedBare,
        rpsRatio: Math.round((saturatedOurs.okRps / Math.max(1, saturatedBare.okRps)) * 1000) / 1000,
      },
      latency: { rate: options.rate, ours: latencyOurs, bare: latencyBare },
      ...(rules ? { rules } : {}),
    };
  } finally {
    bare.child.disconnect();
  }
}

const ratio = (a: number, b: number) => Math.round((a / Math.max(b, 1e-9)) * 1000) / 1000;

/** Polls the first member's page until `done` holds for its `sources` (15 s at most). */
async function untilPage(
  target: Target,
  first: MemberRequests['requests'][0],
  what: string,
  done: (sources: string[]) => boolean,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const response = await fetch(`${target.origin}${first.path}`, { headers: first.headers });
    const page = (await response.json()) as { sources?: string[] };
    if (done(page.sources ?? [])) return;
    if (Date.now() > deadline)
      throw new Error(`the service did not ${what} within 15 s (is it following rules.updated?)`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The service measured without rules, with `options.rules` rules, and without them again (A-B-A), so
 * a machine whose load drifts during the run does not pass for the rules' cost: the figures without
 * rules are the mean of the runs before and after. Each measurement is a warm-up, saturation and
 * latency at the fixed rate, as for the service alone; the rules are deleted at the end.
 */
async function measureWithRules(
  config: MarqueeConfig,
  options: OnlineBenchOptions,
  target: Target,
  requests: MemberRequests['requests'],
  log: (line: string) => void,
  before: { rps: number; p99Ms: number; latency: (target: Target) => Promise<Percentiles> },
): Promise<RulesCost> {
  const count = options.rules ?? 0;
  const first = requests[0] as MemberRequests['requests'][0];
  const measure = async (label: string) => {
    await saturate(target, options.connections, options.warmupSeconds);
    await settle();
    const saturated = await saturate(target, options.connections, options.saturationSeconds);
    log(`  ours ${label} ${JSON.stringify(saturated)}`);
    return { rps: saturated.okRps, p99Ms: (await before.latency(target)).p99Ms };
  };
  log(`rules: loading ${count} active rules`);
  const loaded = await loadBenchRules(config, count);
  let withRules: { rps: number; p99Ms: number };
  try {
    await untilPage(target, first, `apply rules version ${loaded.version}`, (sources) =>
      sources.includes(`rules:v${loaded.version}`),
    );
    log(`  pages name rules:v${loaded.version}; warm-up ${options.warmupSeconds} s`);
    withRules = await measure('with rules');
  } finally {
    await loaded.remove();
  }
  await untilPage(target, first, 'drop the rules', (sources) => !sources.some((s) => s.startsWith('rules:')));
  log(`rules: deleted; the service measured without them again`);
  const after = await measure('without rules, again');
  const without = { rps: (before.rps + after.rps) / 2, p99Ms: (before.p99Ms + after.p99Ms) / 2 };
  return {
    count,
    version: loaded.version,
    withoutRps: Math.round(without.rps),
    withRps: withRules.rps,
    rpsRatio: ratio(withRules.rps, without.rps),
    p99WithoutMs: Math.round(without.p99Ms * 100) / 100,
    p99WithMs: withRules.p99Ms,
    p99Ratio: ratio(withRules.p99Ms, without.p99Ms),
  };
}
