import type { Admin } from 'kafkajs';
import { getAlgorithm, type TrainedModel } from '@marquee/algorithms';
import type { MarqueeConfig } from '@marquee/config';
import { publishPlays } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { registerAlgorithm, connectTemporal } from '@marquee/offline-client';
import { connectPlatform, type Platform } from '@marquee/testkit';
import { AppSupervisor, LocalStack } from '@marquee/stack';
import { generateDataset } from '@marquee/synthetic';
import type { trainingPipeline } from '@marquee/workflows';
import { RowsClient } from './rows-client';

/** What the benchmark registers when the platform has no such champion yet. */
const BENCH_ALS = {
  name: 'als-nearline',
  algorithm: 'als',
  params: { factors: 32, iterations: 10, regularization: 0.05 },
};
const BENCH_KNN = { name: 'knn-nearline', algorithm: 'item-knn', params: { neighbours: 50 } };

export interface FreshnessSetup {
  config: MarqueeConfig;
  platform: Platform;
  admin: Admin;
  rows: RowsClient;
  /** Registrations whose champion nearline folds plays into (Top picks). */
  foldIn: string[];
  /** Titles in the catalog and the fold-in champion's model, for the plays. */
  titles: string[];
  /** Stops the apps this setup started (the servers keep running) and closes the clients. */
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The demo's synthetic service (same seed, sizes and event ids as `marquee demo`, so running both
 * stores nothing twice): its catalog, and its plays through Kafka until nearline has stored them.
 */
async function seedDemoData(platform: Platform, log: (line: string) => void): Promise<void> {
  const anchor = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
  const prefix = `demo7-${anchor.toISOString().slice(0, 10).replace(/-/g, '')}`;
  const dataset = generateDataset({
    seed: 7,
    items: 300,
    members: 200,
    playsPerMember: 15,
    days: 28,
    now: anchor,
    eventPrefix: prefix,
  });
  await platform.catalog.upsert(dataset.catalog);
  for (let i = 0; i < dataset.plays.length; i += 500)
    await publishPlays(platform.producer, platform.topics, dataset.plays.slice(i, i + 500));
  log(
    `published ${dataset.plays.length} demo plays of ${dataset.members.length} members; waiting for nearline to store them`,
  );
  const deadline = Date.now() + 120_000;
  for (;;) {
    let stored = 0;
    for (const member of dataset.members) {
      const plays = await platform.plays.recent(member.memberId, 10_000);
      stored += plays.filter((p) => p.eventId.startsWith(prefix)).length;
    }
    if (stored >= dataset.plays.length) return;
    if (Date.now() > deadline)
      throw new Error(
        `nearline stored ${stored} of ${dataset.plays.length} demo plays within 120 s; see its log`,
      );
    await sleep(1000);
  }
}

async function championsOf(
  platform: Platform,
  withFoldIn: boolean,
): Promise<Array<{ name: string; version: string; traffic: number }>> {
  const found = [];
  for (const r of await platform.registrations.list()) {
    let algorithm;
    try {
      algorithm = getAlgorithm(r.algorithm);
    } catch {
      continue;
    }
    if (withFoldIn ? !algorithm.foldIn : algorithm.name !== 'item-knn') continue;
    const champion = await platform.lists.champion(r.name);
    if (champion) found.push({ name: r.name, version: champion.version, traffic: r.traffic });
  }
  return found;
}

/** Registers an algorithm the way `marquee algorithms register` does and runs its pipeline once on Temporal. */
async function trainChampion(
  config: MarqueeConfig,
  platform: Platform,
  spec: { name: string; algorithm: string; params: Record<string, unknown> },
  traffic: number,
  log: (line: string) => void,
): Promise<string> {
  const temporal = await connectTemporal(config);
  try {
    await registerAlgorithm(
      {
        registrations: platform.registrations,
        temporal: temporal.client,
        taskQueue: config.temporal.taskQueue,
      },
      { ...spec, schedule: '1d', traffic, k: 100 },
    );
    const workflowId = `train-${spec.name}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    log(`training ${spec.name} (${spec.algorithm}, traffic ${traffic}) in workflow ${workflowId}`);
    const handle = await temporal.client.workflow.start<typeof trainingPipeline>('trainingPipeline', {
      taskQueue: config.temporal.taskQueue,
      workflowId,
      args: [{ registration: spec.name, k: 100, shardSize: 5000 }],
    });
    const result = await handle.result();
    if (!result.published)
      throw new Error(
        `${spec.name} was trained but not published (${result.gate.reason}); see marquee models list`,
      );
    log(`${spec.name} version ${result.version} published`);
    return result.version;
  } finally {
    await temporal.close();
  }
}

/** Waits until the nearline process reports it folds into these champions (its /ready). */
async function waitForNearline(
  config: MarqueeConfig,
  champions: Array<{ name: string; version: string }>,
  log: (line: string) => void,
): Promise<void> {
  const url = `http://${config.host}:${config.nearline.port}/ready`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const ready = (await (await fetch(url, { signal: AbortSignal.timeout(2000) })).json()) as {
        topPicks?: Array<{ registration: string; version: string }>;
      };
      const loaded = new Set((ready.topPicks ?? []).map((c) => `${c.registration}@${c.version}`));
      if (champions.every((c) => loaded.has(`${c.name}@${c.version}`))) return;
      if (!ready.topPicks) {
        log(`nearline at ${url} does not report its models (an older build?); going on`);
        return;
      }
    } catch {
      // Not answering yet.
    }
    await sleep(500);
  }
  log(`nearline did not report ${champions.map((c) => c.name).join(', ')} within 60 s; going on`);
}

/**
 * Brings up what the benchmark needs, the way `marquee demo` does: the servers (LocalStack), the
 * three apps (AppSupervisor, only those not already answering), demo data when there is no fold-in
 * champion yet, then an ALS registration (and item-kNN for "Because you watched") trained and
 * published through the offline pipeline, and nearline folding into it.
 */
export async function prepareFreshness(
  config: MarqueeConfig,
  logger: Logger,
  log: (line: string) => void,
): Promise<FreshnessSetup> {
  await new LocalStack(config, log).up();
  const platform = await connectPlatform(config, logger);
  const apps = new AppSupervisor(config, log);
  const admin = platform.kafka.admin();
  const close = async () => {
    await admin.disconnect().catch(() => undefined);
    await apps.stop();
    await platform.close();
  };
  try {
    await admin.connect();
    await apps.start();
    let foldIn = await championsOf(platform, true);
    if (foldIn.length === 0) {
      log('no ALS champion yet: loading the demo data, then training one');
      await seedDemoData(platform, log);
      const others = (await platform.registrations.list()).filter((r) => r.name !== BENCH_ALS.name);
      const traffic = Math.max(0, Math.round((1 - others.reduce((s, r) => s + r.traffic, 0)) * 1000) / 1000);
      if (traffic === 0) log('other registrations take all traffic: no member will see the new Top picks');
      await trainChampion(config, platform, BENCH_ALS, traffic, log);
      foldIn = await championsOf(platform, true);
    }
    if ((await championsOf(platform, false)).length === 0)
      await trainChampion(config, platform, BENCH_KNN, 0, log);
    await waitForNearline(config, foldIn, log);

    const first = foldIn.sort((a, b) => b.traffic - a.traffic)[0] as { name: string; version: string };
    const record = await platform.models.get(first.name, first.version);
    if (!record?.artifact) throw new Error(`champion ${first.name} ${first.version} has no model artifact`);
    const model = getAlgorithm(record.algorithm).deserialize(
      await platform.blobs.get(record.artifact),
    ) as TrainedModel;
    const inCatalog = await platform.catalog.getMany(model.itemIds);
    const rows = new RowsClient(`http://${config.host}:${config.online.port}`, config.auth.secret);
    return {
      config,
      platform,
      admin,
      rows,
      foldIn: foldIn.map((c) => c.name),
      titles: model.itemIds.filter((id) => inCatalog.has(id)),
      close: async () => {
        rows.close();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
