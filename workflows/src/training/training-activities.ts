import type { Producer } from 'kafkajs';
import type { PublishedResult } from '@marquee/domain';
import {
  buildMatrix,
  getAlgorithm,
  listChecksum,
  packMatrix,
  unpackMatrix,
  type Algorithm,
  type AnyAlgorithm,
  type DataWindow,
  type InteractionMatrix,
  type TrainedModel,
} from '@marquee/algorithms';
import type {
  BlobStore,
  ListsRepository,
  ModelsRepository,
  PlaysRepository,
  RegistrationsRepository,
  Registration,
} from '@marquee/storage';
import { CACHE_TTL_SECONDS, cacheKeys, type Cache } from '@marquee/storage';
import { announceResult, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { cancellation, heartbeat, nonRetryable } from '../activity-context';
import { ArtifactCache } from './artifact-cache';

const SNAPSHOT_TTL_SECONDS = 14 * 24 * 3600;
const MODEL_TTL_SECONDS = 180 * 24 * 3600;

/** Splits a snapshot into train and holdout and measures a model on the holdout (libs/evaluation). */
export interface HoldoutEvaluator {
  split(matrix: InteractionMatrix): { train: InteractionMatrix; test: InteractionMatrix };
  measure(
    algorithm: AnyAlgorithm,
    model: TrainedModel,
    train: InteractionMatrix,
    test: InteractionMatrix,
    k: number,
  ): Record<string, number>;
}

export interface TrainingActivityDeps {
  plays: PlaysRepository;
  blobs: BlobStore;
  models: ModelsRepository;
  registrations: RegistrationsRepository;
  lists: ListsRepository;
  cache: Cache;
  producer: Producer;
  topics: Topics;
  logger: Logger;
  evaluator: HoldoutEvaluator;
}

export interface SnapshotRef {
  blobId: string;
  window: DataWindow;
}

export interface TrainInput {
  registration: string;
  version: string;
  snapshot: SnapshotRef;
  workflowId: string;
}

export interface TrainedRef {
  registration: string;
  version: string;
  algorithm: string;
  artifact: string;
  trainSeconds: number;
}

export interface GateDecision {
  publish: boolean;
  reason: string;
  candidate: Record<string, number>;
  champion?: { version: string; metrics: Record<string, number> };
}

export interface ShardInput {
  registration: string;
  version: string;
  artifact: string;
  snapshot: SnapshotRef;
  /** Member rows [start, end) of the snapshot. */
  start: number;
  end: number;
  k: number;
}

export interface ShardResult {
  start: number;
  end: number;
  members: number;
  checksum: string;
}

async function registrationOf(deps: TrainingActivityDeps, name: string): Promise<Registration> {
  const registration = await deps.registrations.get(name);
  if (!registration)
    throw nonRetryable(
      'InvalidParams',
      `no algorithm is registered as '${name}'; see marquee algorithms list`,
    );
  return registration;
}

function algorithmOf(name: string): AnyAlgorithm {
  try {
    return getAlgorithm(name);
  } catch (error) {
    throw nonRetryable('UnknownAlgorithm', (error as Error).message);
  }
}

function parseParams(algorithm: Algorithm, params: unknown): unknown {
  const parsed = algorithm.params.safeParse(params);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`)
      .join('; ');
    throw nonRetryable('InvalidParams', `invalid params for ${algorithm.name}: ${issues}`);
  }
  return parsed.data;
}

/** The offline training pipeline's activities: snapshot → train → evaluate → gate → score shards → publish. */
export function createTrainingActivities(deps: TrainingActivityDeps) {
  const artifacts = new ArtifactCache();
  // A missing or corrupt artifact does not heal by retrying: fail the run and say which one.
  const readArtifact = async (blobId: string, what: string): Promise<Uint8Array> => {
    try {
      return await deps.blobs.get(blobId);
    } catch (error) {
      const message = (error as Error).message;
      if (/does not exist|is corrupt/.test(message))
        throw nonRetryable('CorruptArtifact', `${what}: ${message}`);
      throw error;
    }
  };
  const decode = <T>(blobId: string, what: string, parse: () => T): T => {
    try {
      return parse();
    } catch (error) {
      throw nonRetryable('CorruptArtifact', `${what} ${blobId} cannot be read: ${(error as Error).message}`);
    }
  };
  const loadSnapshot = (blobId: string) =>
    artifacts.get(blobId, async () => {
      const bytes = await readArtifact(blobId, 'snapshot');
      return decode(blobId, 'snapshot', () => unpackMatrix(bytes));
    });
  const loadModel = (algorithm: Algorithm, blobId: string) =>
    artifacts.get(blobId, async () => {
      const bytes = await readArtifact(blobId, 'model');
      return decode(blobId, 'model', () => algorithm.deserialize(bytes) as TrainedModel);
    });

  return {
    /** Reads every stored play into a member × title matrix (play counts, latest time) and stores it. */
    async snapshotInteractions(input: { workflowId: string }): Promise<SnapshotRef> {
      let from = Number.POSITIVE_INFINITY;
      let to = 0;
      const interactions: Array<{ userId: string; itemId: string; at: number }> = [];
      for await (const play of deps.plays.scan((count) => heartbeat({ playsScanned: count }))) {
        const at = play.playedAt.getTime();
        from = Math.min(from, at);
        to = Math.max(to, at);
        interactions.push({ userId: play.memberId, itemId: play.itemId, at });
      }
      if (interactions.length === 0) {
        throw nonRetryable(
          'EmptyDataset',
          'the snapshot is empty: no plays are stored yet, so there is nothing to train on',
        );
      }
      const matrix = buildMatrix(interactions);
      const window: DataWindow = {
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        members: matrix.numUsers,
        items: matrix.numItems,
        interactions: matrix.indices.length,
      };
      const blobId = `snapshot:${input.workflowId}`;
      await deps.blobs.put(blobId, 'snapshot', packMatrix(matrix, window), SNAPSHOT_TTL_SECONDS);
      deps.logger.info({ blobId, ...window }, 'interactions snapshotted');
      return { blobId, window };
    },

    /** Trains the registered algorithm on the snapshot's training split and stores the model as a candidate. */
    async trainModel(input: TrainInput): Promise<TrainedRef> {
      const registration = await registrationOf(deps, input.registration);
      const algorithm = algorithmOf(registration.algorithm);
      const params = parseParams(algorithm, registration.params);
      const { matrix } = await loadSnapshot(input.snapshot.blobId);
      const { train } = deps.evaluator.split(matrix);
      await deps.models.save({
        registration: registration.name,
        version: input.version,
        algorithm: algorithm.name,
        params: params as Record<string, unknown>,
        dataWindow: input.snapshot.window,
        metrics: {},
        artifact: '',
        status: 'training',
        reason: '',
        workflowId: input.workflowId,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      const started = Date.now();
      const signal = cancellation();
      const model = await algorithm.train(train, params, {
        onProgress: (progress) => {
          heartbeat(progress);
          deps.logger.info(
            { registration: registration.name, version: input.version, ...progress },
            'training',
          );
        },
        ...(signal ? { signal } : {}),
      });
      const trainSeconds = (Date.now() - started) / 1000;
      const artifact = `model:${registration.name}:${input.version}`;
      await deps.blobs.put(
        artifact,
        `model/${algorithm.name}`,
        algorithm.serialize(model),
        MODEL_TTL_SECONDS,
      );
      await deps.models.save({
        registration: registration.name,
        version: input.version,
        algorithm: algorithm.name,
        params: params as Record<string, unknown>,
        dataWindow: input.snapshot.window,
        metrics: { trainSeconds },
        artifact,
        status: 'candidate',
        reason: 'trained; awaiting evaluation',
        workflowId: input.workflowId,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      return {
        registration: registration.name,
        version: input.version,
        algorithm: algorithm.name,
        artifact,
        trainSeconds,
      };
    },

    /** Measures the candidate on the holdout (members' held-out titles) at the registration's k. */
    async evaluateModel(input: {
      trained: TrainedRef;
      snapshot: SnapshotRef;
      k: number;
    }): Promise<Record<string, number>> {
      const algorithm = algorithmOf(input.trained.algorithm);
      const { matrix } = await loadSnapshot(input.snapshot.blobId);
      const { train, test } = deps.evaluator.split(matrix);
      const model = await loadModel(algorithm, input.trained.artifact);
      heartbeat({ step: 'evaluate' });
      const metrics = {
        ...deps.evaluator.measure(algorithm, model, train, test, input.k),
        trainSeconds: input.trained.trainSeconds,
      };
      await deps.models.update(input.trained.registration, input.trained.version, {
        metrics,
        reason: 'evaluated on the holdout',
      });
      return metrics;
    },

    /** Publishes only when the candidate is within the tolerance of the champion on the gate metric. */
    async gateModel(input: {
      registration: string;
      version: string;
      metrics: Record<string, number>;
    }): Promise<GateDecision> {
      const registration = await registrationOf(deps, input.registration);
      const metric = registration.gateMetric;
      const candidateValue = input.metrics[metric];
      if (candidateValue === undefined)
        throw nonRetryable('InvalidParams', `the gate metric '${metric}' was not measured`);
      const champion = (await deps.models.list(input.registration, 50)).find((m) => m.status === 'champion');
      let decision: GateDecision;
      if (!champion || champion.metrics[metric] === undefined) {
        decision = {
          publish: true,
          reason: `no champion yet: ${metric} ${candidateValue.toFixed(4)} becomes the first`,
          candidate: input.metrics,
        };
      } else {
        const championValue = champion.metrics[metric] as number;
        const floor = championValue * (1 - registration.gateTolerance);
        const publish = candidateValue >= floor;
        decision = {
          publish,
          reason: `${metric} ${candidateValue.toFixed(4)} ${publish ? '>=' : '<'} ${floor.toFixed(4)} (champion ${champion.version} at ${championValue.toFixed(4)}, tolerance ${registration.gateTolerance})`,
          candidate: input.metrics,
          champion: { version: champion.version, metrics: champion.metrics },
        };
      }
      await deps.models.update(input.registration, input.version, {
        status: decision.publish ? 'candidate' : 'rejected',
        reason: `gate: ${decision.reason}`,
      });
      deps.logger.info(
        { registration: input.registration, version: input.version, ...decision },
        'gate decided',
      );
      return decision;
    },

    /** Scores one shard of members and writes their top-k under the new version; a retry rewrites the same rows. */
    async scoreShard(input: ShardInput): Promise<ShardResult> {
      const algorithm = algorithmOf((await registrationOf(deps, input.registration)).algorithm);
      const { matrix } = await loadSnapshot(input.snapshot.blobId);
      const model = await loadModel(algorithm, input.artifact);
      const entries: Array<{ memberId: string; list: { itemIds: string[]; scores: number[] } }> = [];
      const batch = 1024;
      for (let start = input.start; start < input.end; start += batch) {
        const end = Math.min(input.end, start + batch);
        const users = Int32Array.from({ length: end - start }, (_, j) => start + j);
        const recs = algorithm.recommend(model, matrix, users, input.k);
        for (let r = 0; r < users.length; r++) {
          const itemIds: string[] = [];
          const scores: number[] = [];
          for (let j = 0; j < recs.k; j++) {
            const item = recs.items[r * recs.k + j] as number;
            if (item < 0) break;
            itemIds.push(model.itemIds[item] as string);
            scores.push(Math.round((recs.scores[r * recs.k + j] as number) * 1e5) / 1e5);
          }
          entries.push({ memberId: matrix.userIds[users[r] as number] as string, list: { itemIds, scores } });
        }
        heartbeat({ scored: end - input.start, of: input.end - input.start });
      }
      await deps.lists.writeEntries(input.registration, input.version, entries);
      for (let i = 0; i < entries.length; i += 64) {
        await Promise.all(
          entries
            .slice(i, i + 64)
            .map((e) =>
              deps.cache.setJson(
                cacheKeys.listEntry(input.registration, input.version, e.memberId),
                e.list,
                CACHE_TTL_SECONDS.list,
              ),
            ),
        );
      }
      return { start: input.start, end: input.end, members: entries.length, checksum: listChecksum(entries) };
    },

    /** Switches the champion to the new version and announces it; the previous champion is retired. */
    async publishModel(input: {
      registration: string;
      version: string;
      algorithm: string;
      workflowId: string;
      shards: ShardResult[];
      metrics: Record<string, number>;
      items: number;
    }): Promise<PublishedResult> {
      const members = input.shards.reduce((sum, s) => sum + s.members, 0);
      const checksum = listChecksum(
        [...input.shards]
          .sort((a, b) => a.start - b.start)
          .map((s) => ({ memberId: String(s.start), list: { itemIds: [s.checksum], scores: [s.members] } })),
      );
      const location = `cassandra:list_entries/${input.registration}/${input.version}`;
      await deps.lists.saveVersion({
        list: input.registration,
        version: input.version,
        algorithm: input.algorithm,
        status: 'champion',
        location,
        members,
        items: input.items,
        checksum,
        metrics: input.metrics,
        workflowId: input.workflowId,
        createdAt: new Date(),
      });
      const previous = await deps.lists.champion(input.registration);
      const champion = await deps.lists.promote(
        input.registration,
        input.version,
        `published by ${input.workflowId}`,
      );
      if (previous && previous.version !== input.version) {
        await deps.lists.setStatus(input.registration, previous.version, 'retired');
        await deps.models.update(input.registration, previous.version, {
          status: 'retired',
          reason: `replaced by ${input.version}`,
        });
      }
      await deps.models.update(input.registration, input.version, {
        status: 'champion',
        reason: `published by ${input.workflowId}`,
      });
      await deps.cache.setJson(
        cacheKeys.champion(input.registration),
        input.version,
        CACHE_TTL_SECONDS.champion,
      );
      const result: PublishedResult = {
        list: input.registration,
        algorithm: input.algorithm,
        version: input.version,
        location,
        counts: { members, items: input.items },
        metrics: input.metrics,
        checksum,
        publishedAt: champion.announcedAt.toISOString(),
      };
      await announceResult(deps.producer, deps.topics, result);
      return result;
    },

    /** Records why a run failed; the champion is untouched because publishing is the last step. */
    async markModelFailed(input: { registration: string; version: string; reason: string }): Promise<void> {
      const existing = await deps.models.get(input.registration, input.version);
      if (!existing) return;
      await deps.models.update(input.registration, input.version, {
        status: 'failed',
        reason: input.reason.slice(0, 2000),
      });
    },
  };
}

export type TrainingActivities = ReturnType<typeof createTrainingActivities>;
