import { mintToken } from '@marquee/auth';
import type { MarqueeConfig } from '@marquee/config';
import { publishPlays } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { AppSupervisor, LocalStack, appSpecs, type Replicas } from '@marquee/stack';
import { generateDataset } from '@marquee/synthetic';
import { connectPlatform, type Platform } from '@marquee/testkit';
import { FaultInjector, type FaultName } from './faults';
import { AcceptedPlays } from './ledger';
import { PlayLoad, httpSender, kafkaSender } from './play-load';
import { missedTargets, chaosReport, type ChaosReport, type FaultResult } from './report';
import { PageReader, RowsLoad } from './rows-load';
import { SheddingWatch } from './shedding';
import { runPopularity, startTraining, trainingOutcome } from './training-run';

export interface ChaosOptions {
  faults: FaultName[];
  /** App processes per tier (online behind the proxy); an app fault kills one of them. */
  replicas: Replicas;
  /** How long each killed process stays down before it is started again. */
  downSeconds: number;
  /** Steady load before each kill and after each recovery. */
  steadySeconds: number;
  /** Plays per second through HTTP, and as many again through the Kafka producer. */
  playsPerSecond: number;
  rowsPerSecond: number;
  /** The device's deadline for a page: no answer within it counts as unanswered. */
  rowsDeadlineMs: number;
  /** How long a fault may take to recover before it is reported as not recovered. */
  recoveryTimeoutSeconds: number;
  /** How long the fault's training run may take after the recovery. */
  trainingTimeoutSeconds: number;
}

export const DEFAULT_CHAOS: Omit<ChaosOptions, 'faults'> = {
  replicas: { online: 2, nearline: 2, worker: 2, memcached: 1 },
  downSeconds: 10,
  steadySeconds: 5,
  playsPerSecond: 50,
  rowsPerSecond: 20,
  rowsDeadlineMs: 1000,
  recoveryTimeoutSeconds: 180,
  trainingTimeoutSeconds: 300,
};

/** The registration the fault matrix trains: item-kNN on the seed, quick and never served (traffic 0). */
const CHAOS_REGISTRATION = 'chaos-knn';
const PLAYS_PER_BATCH = 10;
/** How long a producer keeps trying the batch it holds after the load stops. */
const DRAIN_MS = 60_000;
/** How long the accepted plays may take to be stored after the load stops. */
const STORE_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;

interface Seed {
  members: string[];
  titles: string[];
}

/**
 * A small service of its own (titles and members prefixed `chaos-`, the same on every run, so
 * seeding again stores nothing twice): its catalog, a history for each member through Kafka until
 * nearline has stored it, and the item-kNN registration each fault's training run trains.
 */
async function seed(platform: Platform, log: (line: string) => void): Promise<Seed> {
  const dataset = generateDataset({
    seed: 21,
    items: 120,
    members: 40,
    playsPerMember: 12,
    days: 14,
    now: new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z'),
    eventPrefix: 'chaos-seed',
  });
  const item = (id: string) => `chaos-${id}`;
  const member = (id: string) => `chaos-${id}`;
  await platform.catalog.upsert(dataset.catalog.map((c) => ({ ...c, itemId: item(c.itemId) })));
  const plays = dataset.plays.map((p) => ({ ...p, userId: member(p.userId), itemId: item(p.itemId) }));
  const ledger = new AcceptedPlays();
  for (let i = 0; i < plays.length; i += 500) {
    const batch = plays.slice(i, i + 500);
    await publishPlays(platform.producer, platform.topics, batch);
    for (const p of batch) ledger.accept(p.userId, p.eventId);
  }
  log(
    `seeded ${dataset.catalog.length} titles and ${plays.length} plays of ${dataset.members.length} members`,
  );
  await waitStored(platform, ledger, 120_000, 'the seed plays');
  const existing = await platform.registrations.get(CHAOS_REGISTRATION);
  await platform.registrations.save({
    name: CHAOS_REGISTRATION,
    algorithm: 'item-knn',
    params: { neighbours: 20 },
    // Stored only: no Temporal schedule is made, so the fault's run is the only one.
    schedule: '1d',
    traffic: 0,
    k: 20,
    gateMetric: 'ndcg',
    gateTolerance: 1,
    createdAt: existing?.createdAt ?? new Date(),
    updatedAt: new Date(),
  });
  await runPopularity(platform.config, `chaos-popular-${Date.now().toString(36)}`);
  log('popular list published');
  return {
    members: dataset.members.map((m) => member(m.memberId)),
    titles: dataset.catalog.map((c) => item(c.itemId)),
  };
}

/** Waits until the online service serves the members whole pages (no fallback), as recovery asks. */
async function waitWholePages(reader: PageReader, memberId: string, log: (line: string) => void) {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const page = await reader.read(memberId);
    if (page !== 'unanswered' && page.status === 200 && !page.degraded) {
      log('pages are served without fallbacks');
      return;
    }
    if (Date.now() > deadline)
      throw new Error(`the online service did not serve ${memberId} a page without fallbacks within 90 s`);
    await sleep(1000);
  }
}

async function waitStored(platform: Platform, ledger: AcceptedPlays, ms: number, what: string) {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await ledger.allStored(platform.cassandra, Number.POSITIVE_INFINITY)) return true;
    } catch {
      // Cassandra not answering yet.
    }
    if (Date.now() > deadline) {
      if (what) throw new Error(`${what} were not all stored within ${ms / 1000} s; see nearline's log`);
      return false;
    }
    await sleep(1000);
  }
}

/**
 * The fault matrix: brings up (or reuses) the stack described by the configuration and its three
 * apps, seeds a small service, then for each fault runs steady load (plays through HTTP and
 * Kafka, page reads with a device's deadline, one training run in flight), kills the process with
 * SIGKILL, keeps it down, starts it again through the stack code, waits for recovery and counts,
 * reading Cassandra and Temporal.
 */
export async function runChaos(
  config: MarqueeConfig,
  logger: Logger,
  options: ChaosOptions,
  log: (line: string) => void,
): Promise<ChaosReport> {
  await new LocalStack(config, log, options.replicas.memcached).up();
  const platform = await connectPlatform(config, logger);
  const apps = new AppSupervisor(config, log, { replicas: options.replicas });
  try {
    await apps.start();
    const injector = new FaultInjector(config, apps, log);
    const unavailable = injector.unavailable(options.faults);
    if (unavailable.length > 0)
      throw new Error(
        `cannot kill: ${unavailable.join('; ')}. Run chaos on a stack of its own (MARQUEE_STATE_DIR and ports) with the apps stopped, or choose --faults`,
      );
    const service = await seed(platform, log);
    await waitWholePages(
      new PageReader(
        `http://${config.host}:${config.online.port}`,
        config.auth.secret,
        options.rowsDeadlineMs,
      ),
      service.members[0] as string,
      log,
    );
    const run = `chaos${Date.now().toString(36)}`;
    const results: FaultResult[] = [];
    for (const fault of options.faults) {
      const result = await runFault(
        config,
        platform,
        injector,
        service,
        options,
        `${run}-${fault}`,
        fault,
        log,
      );
      log(
        `${fault}: ${result.playsAccepted} plays accepted, ${result.playsStored} stored, ${result.lost} lost, ` +
          `${result.duplicates} duplicates; rows ${result.rows2xx} 2xx (${result.rowsDegraded} degraded), ` +
          `${result.rows5xx} 5xx, ${result.unanswered} unanswered; training completed ${result.workflowsCompleted}×; ` +
          `online shed ${result.shedLag} on lag, ${result.shedInFlight} on in-flight (lag up to ${result.maxLagMs} ms, ` +
          `load average up to ${result.maxLoadAverage} on ${result.cpus} cores); ` +
          `recovered in ${result.recoverySeconds ?? '—'} s${result.missed.length ? ` — MISSED: ${result.missed.join(', ')}` : ''}`,
      );
      results.push(result);
    }
    return chaosReport(results);
  } finally {
    await apps.stop();
    await platform.close();
  }
}

async function runFault(
  config: MarqueeConfig,
  platform: Platform,
  injector: FaultInjector,
  service: Seed,
  options: ChaosOptions,
  prefix: string,
  fault: FaultName,
  log: (line: string) => void,
): Promise<Omit<FaultResult, 'missed'> & { missed: string[] }> {
  const api = `http://${config.host}:${config.online.port}`;
  const ledger = new AcceptedPlays();
  const perBatch = { batch: PLAYS_PER_BATCH, intervalMs: (1000 * PLAYS_PER_BATCH) / options.playsPerSecond };
  const common = { members: service.members, titles: service.titles, ...perBatch };
  const producerToken = await mintToken({ role: 'producer' }, config.auth.secret);
  // The HTTP client waits a little longer than the service's acknowledgement bound before it retries.
  const http = new PlayLoad(httpSender(api, producerToken, config.kafka.playsAckTimeoutMs + 2000), ledger, {
    ...common,
    eventPrefix: `${prefix}-h`,
  });
  const kafka = new PlayLoad(
    kafkaSender(platform.producer, platform.topics, config.kafka.playsAckTimeoutMs),
    ledger,
    { ...common, eventPrefix: `${prefix}-k` },
  );
  const reader = new PageReader(api, config.auth.secret, options.rowsDeadlineMs);
  const rows = new RowsLoad(reader, service.members, options.rowsPerSecond);
  const workflowId = `${prefix}-training`;
  const onlineUrls = appSpecs(config, options.replicas)
    .filter((spec) => spec.name === 'online')
    .map((spec) => `http://${config.host}:${spec.port}`);
  const shedding = new SheddingWatch(onlineUrls);

  shedding.start();
  http.start();
  kafka.start();
  rows.start();
  let recoverySeconds: number | null = null;
  try {
    await startTraining(config, workflowId, { registration: CHAOS_REGISTRATION, k: 20, shardSize: 100 });
    log(`${fault}: steady load, training ${workflowId} in flight`);
    await sleep(options.steadySeconds * 1000);

    const victim = injector.victim(fault);
    await injector.kill(fault);
    log(`${fault}: ${victim} killed (SIGKILL), down for ${options.downSeconds} s`);
    await sleep(options.downSeconds * 1000);
    const restartedAt = Date.now();
    await injector.restart(fault);
    log(`${fault}: restarted in ${seconds(Date.now() - restartedAt)} s; waiting for recovery`);

    const deadline = restartedAt + options.recoveryTimeoutSeconds * 1000;
    while (Date.now() < deadline) {
      const page = await reader.read(service.members[0] as string);
      const whole = page !== 'unanswered' && page.status === 200 && !page.degraded;
      // Plays accepted within the last second may still be on their way: that is freshness, not loss.
      const stored =
        whole && (await ledger.allStored(platform.cassandra, Date.now() - 1000).catch(() => false));
      if (stored) {
        recoverySeconds = seconds(Date.now() - restartedAt);
        break;
      }
      await sleep(500);
    }
    log(`${fault}: ${recoverySeconds === null ? 'did not recover' : `recovered in ${recoverySeconds} s`}`);
    await sleep(options.steadySeconds * 1000);
  } finally {
    // Whatever happened, the producers and readers stop before the next fault.
    await Promise.all([http.stop(DRAIN_MS), kafka.stop(DRAIN_MS), rows.stop()]);
  }
  const evidence = await shedding.stop();
  const tally = rows.tally;
  const odd = Object.entries(rows.answers).filter(([status]) => !status.startsWith('2'));
  if (odd.length > 0)
    log(`${fault}: rows answers other than 2xx: ${odd.map(([s, n]) => `${n}× ${s}`).join(', ')}`);
  await waitStored(platform, ledger, STORE_MS, '');
  const count = await ledger.count(platform.cassandra);
  if (count.lostIds.length > 0) log(`${fault}: lost plays (member/event id): ${count.lostIds.join(', ')}`);
  const training = await trainingOutcome(config, workflowId, options.trainingTimeoutSeconds * 1000);
  if (training.completed !== 1)
    log(`${fault}: training ${workflowId} ended ${training.statuses.join(', ') || 'unseen'}`);
  const result = {
    fault,
    downSeconds: options.downSeconds,
    playsAccepted: count.accepted,
    playsStored: count.stored,
    lost: count.lost,
    duplicates: count.duplicates,
    ...tally,
    workflowsCompleted: training.completed,
    workflowsDuplicated: training.duplicated,
    recoverySeconds,
    ...evidence,
  };
  return { ...result, missed: missedTargets(result) };
}
