import { DefaultLogger, NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { loadConfig } from '@marquee/config';
import { createLogger, createRegistry, errorContext, gauge, startOpsServer } from '@marquee/observability';
import {
  connectCassandra,
  openCache,
  AffinitiesRepository,
  BlobStore,
  CatalogRepository,
  ListStore,
  ListsRepository,
  ModelsRepository,
  PlaysRepository,
  RegistrationsRepository,
} from '@marquee/storage';
import { connectProducer } from '@marquee/kafka';
import { createOfflineWorker, holdoutEvaluator } from '@marquee/workflows';
import { initTensorBackend } from '@marquee/tensor';
import { stepMetrics } from './step-metrics';

/** The offline process: a Temporal worker on the offline task queue, with `/metrics` and health. */
async function main(): Promise<void> {
  const config = loadConfig(process.env, 'marquee-offline');
  const logger = createLogger('offline-worker');
  Runtime.install({
    logger: new DefaultLogger('WARN'),
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } },
  });
  const registry = createRegistry('offline');
  const backend = await initTensorBackend();
  gauge(registry, 'marquee_tensor_backend', 'Tensor backend in use (1 for the chosen one)', ['backend']).set(
    { backend: backend.backend },
    1,
  );
  logger.info(
    { backend: backend.backend, provider: backend.provider, skipped: backend.skipped },
    'tensor backend chosen',
  );

  const cassandra = await connectCassandra(config, logger);
  const { producer, topics } = await connectProducer(config, logger);
  const cache = openCache(config, logger);
  const lists = new ListsRepository(cassandra);
  const worker = await createOfflineWorker({
    connection: await NativeConnection.connect({ address: config.temporal.address }),
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities: {
      plays: new PlaysRepository(cassandra),
      catalog: new CatalogRepository(cassandra),
      affinities: new AffinitiesRepository(cassandra),
      blobs: new BlobStore(cassandra),
      models: new ModelsRepository(cassandra),
      registrations: new RegistrationsRepository(cassandra),
      lists,
      listStore: new ListStore(lists, cache),
      producer,
      topics,
      logger,
      evaluator: holdoutEvaluator,
    },
    extra: { interceptors: { activity: [stepMetrics(registry)] } },
  });

  const ops = await startOpsServer({
    host: config.host,
    port: config.offline.port,
    registry,
    ready: async () => ({ ok: worker.getState() === 'RUNNING', worker: worker.getState() }),
  });
  logger.info({ taskQueue: config.temporal.taskQueue, port: ops.port }, 'offline worker running');
  const shutdown = (signal: string) => {
    logger.info({ signal }, 'offline worker shutting down');
    worker.shutdown();
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  await worker.run();
  await ops.close();
  await producer.disconnect().catch(() => undefined);
  cache.close();
  await cassandra.shutdown().catch(() => undefined);
}

main().catch((error: unknown) => {
  createLogger('offline-worker').fatal(errorContext(error), 'offline worker failed');
  process.exit(1);
});
