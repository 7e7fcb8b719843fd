import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { mintToken } from '@marquee/auth';
import type { MarqueeConfig } from '@marquee/config';
import type { Play, Row } from '@marquee/domain';
import { publishPlays } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { connectPlatform, type Platform } from '@marquee/testkit';
import { AppSupervisor, LocalStack } from '@marquee/stack';
import { generateDataset, type SyntheticDataset } from '@marquee/synthetic';
import type { popularityPipeline } from '@marquee/workflows';
import { RegistrationsRepository } from '@marquee/storage';
import type { TrainingPipelineResult } from '@marquee/offline-client';
import {
  DEFAULT_ALGORITHMS,
  registerDefaultAlgorithms,
  trainDefaultAlgorithms,
  type DefaultAlgorithmsDeps,
} from './default-algorithms';
import { featureTitle } from './featured';
import { describePlacement, placementOf, reflected } from './live-play';

export interface DemoOptions {
  seed: number;
  members: number;
  items: number;
  playsPerMember: number;
  /**
   * Registers the default algorithms (EASE for Top picks, item-kNN for Because you watched) where
   * they are not registered, and trains those without a champion once the plays are in.
   */
  personalRows?: boolean;
}

export interface DemoSummary {
  workflowId: string;
  runStatus: string;
  version: string;
  playsPublished: number;
  playsStored: number;
  member: string;
  livePlay: { itemId: string; title: string; reflectedInMs: number };
  rows: Row[];
  elapsedMs: number;
  urls: { api: string; rows: string; temporalUi: string; metrics: string[] };
}

export const DEFAULT_DEMO: DemoOptions = { seed: 7, members: 200, items: 300, playsPerMember: 15 };

/**
 * What members are watching now: one play each in the previous 10-minute bucket of Trending (the
 * generated history ends at midnight, outside Trending's window), anchored to that bucket, so a
 * rerun within the same ten minutes republishes the same events.
 */
function watchingNow(options: DemoOptions, prefix: string, now: number): Play[] {
  const bucketMs = 10 * 60_000;
  const from = Math.floor(now / bucketMs) * bucketMs - bucketMs;
  const generated = generateDataset({
    seed: options.seed,
    items: options.items,
    members: options.members,
    playsPerMember: 1,
    days: 1,
    now: new Date(from),
    eventPrefix: `${prefix}-now${new Date(from).toISOString().slice(11, 16).replace(':', '')}`,
  });
  return generated.plays.map((play, i) => ({
    ...play,
    timestamp: new Date(from + ((i * 7919) % bucketMs)).toISOString(),
  }));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts the demo's events that reached each member's history in Cassandra. */
async function countStored(platform: Platform, dataset: SyntheticDataset, prefix: string): Promise<number> {
  let stored = 0;
  for (let i = 0; i < dataset.members.length; i += 50) {
    const counts = await Promise.all(
      dataset.members.slice(i, i + 50).map(async (member) => {
        const plays = await platform.plays.recent(member.memberId, 10_000);
        return plays.filter((play) => play.eventId.startsWith(prefix)).length;
      }),
    );
    stored += counts.reduce((a, b) => a + b, 0);
  }
  return stored;
}

async function fetchRows(api: string, memberId: string, token: string): Promise<Row[]> {
  const response = await fetch(`${api}/v1/users/${memberId}/rows?itemsPerRow=10&device=tv`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok)
    throw new Error(`GET rows for ${memberId} answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { rows: Row[] }).rows;
}

/**
 * The walking skeleton end to end on the real stack: synthetic plays → Kafka → nearline →
 * Cassandra/memcached; a Temporal popularity pipeline → new version → results.published; then the
 * online rows, and one live play through POST /v1/plays reflected in Continue watching.
 */
export async function runDemo(
  config: MarqueeConfig,
  logger: Logger,
  options: DemoOptions,
  log: (line: string) => void,
  /** Apps owned by the caller (npm start keeps them running); otherwise the demo stops what it started. */
  supervisor?: AppSupervisor,
): Promise<DemoSummary> {
  const started = Date.now();
  await new LocalStack(config, log).up();
  const platform = await connectPlatform(config, logger);
  const apps = supervisor ?? new AppSupervisor(config, log);
  const connection = await Connection.connect({ address: config.temporal.address });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const defaults: DefaultAlgorithmsDeps = {
    registrations: new RegistrationsRepository(platform.cassandra),
    lists: platform.lists,
    temporal,
    taskQueue: config.temporal.taskQueue,
  };
  try {
    // Registered before the apps start, so the online service loads the variants at once.
    if (options.personalRows) {
      const registered = await registerDefaultAlgorithms(defaults);
      if (registered.length > 0) log(`registered the default algorithms ${registered.join(', ')}`);
    }
    await apps.start();
    const api = `http://${config.host}:${config.online.port}`;

    // Plays are anchored to the start of today (UTC), so a rerun on the same day republishes the
    // same events and, writes being idempotent, stores nothing twice.
    const anchor = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
    const prefix = `demo${options.seed}-${anchor.toISOString().slice(0, 10).replace(/-/g, '')}`;
    const dataset = generateDataset({
      seed: options.seed,
      items: options.items,
      members: options.members,
      playsPerMember: options.playsPerMember,
      days: 28,
      now: anchor,
      eventPrefix: prefix,
    });
    if (options.personalRows) dataset.plays.push(...watchingNow(options, prefix, Date.now()));
    await platform.catalog.upsert(dataset.catalog);
    const featured = dataset.catalog.at(-1);
    if (featured) {
      await featureTitle(platform, featured.itemId);
      log(`featured ${featured.title} (${featured.itemId}) in Top picks with the pin rule demo-featured`);
    }
    log(
      `catalog: ${dataset.catalog.length} titles; publishing ${dataset.plays.length} plays of ${dataset.members.length} members`,
    );
    for (let i = 0; i < dataset.plays.length; i += 500) {
      await publishPlays(platform.producer, platform.topics, dataset.plays.slice(i, i + 500));
    }

    let playsStored = 0;
    const storeDeadline = Date.now() + 120_000;
    while (Date.now() < storeDeadline) {
      playsStored = await countStored(platform, dataset, prefix);
      if (playsStored >= dataset.plays.length) break;
      await sleep(500);
    }
    log(`nearline stored ${playsStored} of ${dataset.plays.length} plays`);

    const workflowId = `popularity-demo-${Date.now()}`;
    const handle = await temporal.workflow.start<typeof popularityPipeline>('popularityPipeline', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ list: 'popular', k: 100, halfLifeDays: 14 }],
    });
    log(`workflow ${workflowId} started`);
    const [result, trained] = await Promise.all([
      handle.result(),
      options.personalRows ? trainDefaultAlgorithms(defaults, log) : ([] as TrainingPipelineResult[]),
    ]);
    const runStatus = (await handle.describe()).status.name;
    log(`workflow ${workflowId} ${runStatus}: version ${result.version} from ${result.playsScanned} plays`);

    // One live play through the online API: the member starts their top pick.
    const member = dataset.members[0]?.memberId ?? 'm1';
    // The member's device token, as a device would hold it (the online API requires one).
    const token = await mintToken({ role: 'device', memberId: member }, config.auth.secret);
    // The online service switches to the new version when results.published announces it.
    let before = await fetchRows(api, member, token);
    const switchDeadline = Date.now() + 35_000;
    const published = new Map(trained.filter((t) => t.published).map((t) => [t.registration, t.version]));
    const personalVersion = published.get(DEFAULT_ALGORITHMS.topPicks.name);
    const switched = (rows: Row[]) => {
      const picks = rows.find((row) => row.id === 'top-picks') as (Row & { list?: string }) | undefined;
      if (picks === undefined) return false;
      // A newly trained similar-titles model shows as Because you watched once the service loaded it.
      if (
        published.has(DEFAULT_ALGORITHMS.becauseYouWatched.name) &&
        !rows.some((r) => r.id === 'because-you-watched')
      )
        return false;
      if (personalVersion && picks.list === DEFAULT_ALGORITHMS.topPicks.name)
        return picks.version === personalVersion;
      return picks.list !== 'popular' || picks.version === result.version;
    };
    while (!switched(before) && Date.now() < switchDeadline) {
      await sleep(100);
      before = await fetchRows(api, member, token);
    }
    if (!switched(before))
      log(
        `the first page is not complete after 35 s: ${JSON.stringify(before.map((r) => ({ id: r.id, source: r.source, version: r.version, list: (r as { list?: string }).list })))}`,
      );
    // The member's own first pick, not a title a rule features there.
    const picks = before.find((row) => row.id === 'top-picks')?.items ?? [];
    const candidate = picks.find((item) => item.rule === undefined) ?? picks[0];
    if (!candidate)
      throw new Error('the Top picks row is empty after publishing; see the online and offline worker logs');
    const live: Play = {
      eventId: `live-${randomUUID()}`,
      userId: member,
      itemId: candidate.itemId,
      device: 'tv',
      timestamp: new Date().toISOString(),
      positionMs: 12 * 60_000,
      durationMs: 95 * 60_000,
    };
    const posted = Date.now();
    const response = await fetch(`${api}/v1/plays`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(live),
    });
    if (response.status !== 202)
      throw new Error(`POST /v1/plays answered ${response.status}: ${await response.text()}`);
    let rows = before;
    let reflectedInMs = -1;
    while (Date.now() - posted < 30_000) {
      rows = await fetchRows(api, member, token);
      if (reflected(placementOf(rows, live.itemId))) {
        reflectedInMs = Date.now() - posted;
        break;
      }
      await sleep(20);
    }
    if (reflectedInMs < 0)
      throw new Error(
        `the live play of ${live.itemId} did not reach ${member}'s rows within 30s: ${describePlacement(rows, live.itemId)}`,
      );

    return {
      workflowId,
      runStatus,
      version: result.version,
      playsPublished: dataset.plays.length,
      playsStored,
      member,
      livePlay: { itemId: live.itemId, title: candidate.title, reflectedInMs },
      rows,
      elapsedMs: Date.now() - started,
      urls: {
        api,
        rows: `${api}/v1/users/${member}/rows`,
        temporalUi: `http://${config.host}:${config.temporal.uiPort}`,
        metrics: [
          `${api}/metrics`,
          `http://${config.host}:${config.nearline.port}/metrics`,
          `http://${config.host}:${config.offline.port}/metrics`,
        ],
      },
    };
  } finally {
    if (!supervisor) await apps.stop();
    await connection.close();
    await platform.close();
  }
}
