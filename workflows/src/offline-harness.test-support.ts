import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, type Worker } from '@temporalio/worker';
import type { Consumer } from 'kafkajs';
import type { MarqueeConfig } from '@marquee/config';
import type { PublishedResult } from '@marquee/domain';
import { AffinitiesRepository, ListStore } from '@marquee/storage';
import { type Platform, connectTestPlatform, uniqueId } from '@marquee/testkit';
import type { ActivityDeps } from './all-activities';
import { holdoutEvaluator } from './training/holdout';
import { createOfflineWorker } from './worker';

/** The offline activities' collaborators, taken from a test platform's clients. */
export function activityDepsOf(platform: Platform): ActivityDeps {
  return {
    plays: platform.plays,
    catalog: platform.catalog,
    affinities: new AffinitiesRepository(platform.cassandra),
    blobs: platform.blobs,
    models: platform.models,
    registrations: platform.registrations,
    lists: platform.lists,
    listStore: new ListStore(platform.lists, platform.cache),
    producer: platform.producer,
    topics: platform.topics,
    logger: platform.logger,
    evaluator: holdoutEvaluator,
  };
}

/**
 * What a workflow test needs on the real stack: a Temporal test environment on the dev server, a
 * platform, the offline worker on this run's task queue, and every `results.published` announcement.
 */
export interface OfflineHarness {
  env: TestWorkflowEnvironment;
  platform: Platform;
  worker: Worker;
  announcements: PublishedResult[];
  stop(): Promise<void>;
}

export async function startOfflineHarness(name: string, config: MarqueeConfig): Promise<OfflineHarness> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* already installed by an earlier suite in this process */
  }
  const env = await TestWorkflowEnvironment.createFromExistingServer({
    address: config.temporal.address,
    namespace: config.temporal.namespace,
  });
  const platform = await connectTestPlatform(name, config);
  const announcements: PublishedResult[] = [];
  const consumer: Consumer = platform.kafka.consumer({
    groupId: uniqueId('announcements-'),
    maxWaitTimeInMs: 50,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: platform.topics.resultsPublished.name, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      announcements.push(JSON.parse(message.value?.toString() ?? '{}') as PublishedResult);
    },
  });
  const worker = await createOfflineWorker({
    connection: env.nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: activityDepsOf(platform),
  });
  const running = worker.run();
  return {
    env,
    platform,
    worker,
    announcements,
    async stop() {
      worker.shutdown();
      await running;
      await consumer.disconnect();
      await platform.close();
      await env.teardown();
    },
  };
}
