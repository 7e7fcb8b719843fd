import { buildMatrix, getAlgorithm, type InteractionMatrix, type TrainedModel } from '@marquee/algorithms';
import type { MarqueeConfig } from '@marquee/config';
import type { CatalogItem, Play } from '@marquee/domain';
import type { Platform } from './platform';
import { generateDataset } from '@marquee/synthetic';

/**
 * Test fixtures: a small synthetic service (titles prefixed so they never collide with other tests'
 * catalogs) and champions trained in the test the way the offline pipeline stores them: the model
 * as a blob, its registry record, batch-scored list entries, then the champion pointer.
 */
export function syntheticService(prefix: string, seed = 11, members = 60, items = 40) {
  const data = generateDataset({
    seed,
    items,
    members,
    playsPerMember: 12,
    days: 20,
    now: new Date(Date.now() - 3600_000),
  });
  const rename = (id: string) => `${prefix}${id}`;
  const catalog: CatalogItem[] = data.catalog.map((item) => ({ ...item, itemId: rename(item.itemId) }));
  const plays: Play[] = data.plays.map((p) => ({
    ...p,
    eventId: `${prefix}${p.eventId}`,
    userId: rename(p.userId),
    itemId: rename(p.itemId),
  }));
  const matrix = buildMatrix(
    plays.map((p) => ({ userId: p.userId, itemId: p.itemId, at: Date.parse(p.timestamp) })),
  );
  return { catalog, plays, matrix, members: matrix.userIds };
}

export async function publishChampion(
  platform: Platform,
  options: {
    registration: string;
    algorithm: 'als' | 'item-knn';
    version: string;
    matrix: InteractionMatrix;
    params: Record<string, unknown>;
    /** The snapshot's latest play. */
    dataUntil: Date;
    k?: number;
    /** Batch-scored entries written under the version (default: every member of the matrix). */
    entries?: Array<{ memberId: string; list: { itemIds: string[]; scores: number[] } }>;
  },
): Promise<TrainedModel> {
  const algorithm = getAlgorithm(options.algorithm);
  const params = algorithm.params.parse(options.params);
  const model = (await algorithm.train(options.matrix, params)) as TrainedModel;
  const artifact = `model:${options.registration}:${options.version}`;
  await platform.blobs.put(artifact, `model/${algorithm.name}`, algorithm.serialize(model), 3600);
  const k = options.k ?? 10;
  const now = new Date();
  await platform.registrations.save({
    name: options.registration,
    algorithm: algorithm.name,
    params: params as Record<string, unknown>,
    schedule: '1d',
    traffic: 0,
    k,
    gateMetric: 'ndcg',
    gateTolerance: 0.02,
    createdAt: now,
    updatedAt: now,
  });
  await platform.models.save({
    registration: options.registration,
    version: options.version,
    algorithm: algorithm.name,
    params: params as Record<string, unknown>,
    dataWindow: {
      from: new Date(options.dataUntil.getTime() - 30 * 86_400_000).toISOString(),
      to: options.dataUntil.toISOString(),
      members: options.matrix.numUsers,
      items: options.matrix.numItems,
      interactions: options.matrix.indices.length,
    },
    metrics: {},
    artifact,
    status: 'champion',
    reason: 'test',
    workflowId: 'test',
    createdAt: now,
    updatedAt: now,
  });
  let entries = options.entries;
  if (!entries) {
    const users = Int32Array.from({ length: options.matrix.numUsers }, (_, u) => u);
    const recs = algorithm.recommend(model, options.matrix, users, k);
    entries = options.matrix.userIds.map((memberId, r) => {
      const itemIds: string[] = [];
      const scores: number[] = [];
      for (let j = 0; j < k && (recs.items[r * k + j] as number) >= 0; j++) {
        itemIds.push(model.itemIds[recs.items[r * k + j] as number] as string);
        scores.push(recs.scores[r * k + j] as number);
      }
      return { memberId, list: { itemIds, scores } };
    });
  }
  await platform.lists.writeEntries(options.registration, options.version, entries);
  await platform.lists.promote(options.registration, options.version, 'test');
  return model;
}

/**
 * The nearline tests' own keyspace (beside the run's), so the champions they register are the only
 * ones nearline loads there, whatever other tests leave behind in theirs.
 */
export function nearlineTestConfig(config: MarqueeConfig): MarqueeConfig {
  return { ...config, cassandra: { ...config.cassandra, keyspace: `${config.cassandra.keyspace}_nl` } };
}

/** Removes every registration of the (test) keyspace, so nearline starts without champions. */
export async function clearRegistrations(platform: Platform): Promise<void> {
  for (const r of await platform.registrations.list()) await platform.registrations.remove(r.name);
}
