import {
  Global,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import type { Client } from 'cassandra-driver';
import type { Kafka, Producer } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { MarqueeConfig } from '@marquee/config';
import { PRODUCER_OPTIONS, createKafka, prepareTopics, topicsFor, type Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import {
  BecauseYouWatchedSignal,
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
} from '@marquee/signals';
import {
  AffinitiesRepository,
  BecauseYouWatchedRepository,
  ContinueWatchingRepository,
  TrendingRepository,
  BlobStore,
  Cache,
  CatalogRepository,
  ListStore,
  ListsRepository,
  ModelsRepository,
  PlaysRepository,
  ProfileStore,
  ProfilesRepository,
  RegistrationsRepository,
  RulesRepository,
  createCassandraClient,
  prepareSchema,
} from '@marquee/storage';
import type { OnlineOptions } from '../online-options';
import { CASSANDRA, CONFIG, KAFKA, LOGGER, OPTIONS, PRODUCER, REGISTRY, TOPICS } from '../tokens';

/** Clients a caller connected itself (tests, a store replaced by one that is down); it closes them too. */
export interface OnlineClients {
  cassandra: Client;
  cache: Cache;
  kafka: Kafka;
  producer: Producer;
}

export interface ClientsSettings {
  config: MarqueeConfig;
  logger: Logger;
  registry: Registry;
  options: OnlineOptions;
  clients?: Partial<OnlineClients>;
}

/** Closers of the clients this module connected, run once the HTTP server has closed. */
class Connected {
  private readonly closers: Array<() => Promise<void>> = [];

  own<T>(client: T, close: (client: T) => Promise<void> | void): T {
    this.closers.unshift(async () => {
      await close(client);
    });
    return client;
  }

  async close(): Promise<void> {
    for (const close of this.closers.splice(0)) await close().catch(() => undefined);
  }
}

const repository = <T>(type: new (cassandra: Client) => T): Provider => ({
  provide: type,
  useFactory: (cassandra: Client) => new type(cassandra),
  inject: [CASSANDRA],
});

/** A signal over its repository and the cache. */
const signal = <S, R>(
  type: new (stored: R, cache: Cache) => S,
  stored: new (cassandra: Client) => R,
): Provider => ({
  provide: type,
  useFactory: (cassandra: Client, cache: Cache) => new type(new stored(cassandra), cache),
  inject: [CASSANDRA, Cache],
});

/**
 * The stores' clients, repositories and signals, built from the typed config. At start the schema and
 * the topics are prepared (idempotent) before the clients connect, so any order of starting works;
 * Temporal is not here: the admin views connect to it on first use.
 */
@Global()
@Module({})
export class ClientsModule implements OnApplicationShutdown {
  constructor(private readonly connected: Connected) {}

  static forRoot(settings: ClientsSettings): DynamicModule {
    const { config, logger, options, clients = {} } = settings;
    const connected = new Connected();
    const exported = [
      CONFIG,
      LOGGER,
      REGISTRY,
      OPTIONS,
      CASSANDRA,
      KAFKA,
      TOPICS,
      PRODUCER,
      Cache,
      ListStore,
      ProfileStore,
      ListsRepository,
      PlaysRepository,
      CatalogRepository,
      BlobStore,
      ModelsRepository,
      RegistrationsRepository,
      RulesRepository,
      AffinitiesRepository,
      RecentPlaysSignal,
      ContinueWatchingSignal,
      TrendingSignal,
      BecauseYouWatchedSignal,
    ];
    return {
      module: ClientsModule,
      providers: [
        { provide: Connected, useValue: connected },
        { provide: CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: REGISTRY, useValue: settings.registry },
        { provide: OPTIONS, useValue: options },
        {
          provide: CASSANDRA,
          useFactory: async (): Promise<Client> => {
            if (clients.cassandra) return clients.cassandra;
            await prepareSchema(config, logger);
            const cassandra = createCassandraClient(config.cassandra, config.cassandra.keyspace);
            await cassandra.connect();
            return connected.own(cassandra, (c) => c.shutdown());
          },
        },
        {
          provide: KAFKA,
          useFactory: () => clients.kafka ?? createKafka(config.kafka, logger),
        },
        {
          provide: TOPICS,
          useFactory: async (kafka: Kafka): Promise<Topics> => {
            const topics = topicsFor(config.kafka.topicPrefix);
            if (!clients.kafka) await prepareTopics(kafka, topics, logger, config.kafka);
            return topics;
          },
          inject: [KAFKA, CASSANDRA],
        },
        {
          provide: PRODUCER,
          useFactory: async (kafka: Kafka): Promise<Producer> => {
            if (clients.producer) return clients.producer;
            const producer = kafka.producer(PRODUCER_OPTIONS);
            await producer.connect();
            return connected.own(producer, (p) => p.disconnect());
          },
          inject: [KAFKA, TOPICS],
        },
        {
          provide: Cache,
          useFactory: () =>
            clients.cache ??
            connected.own(
              new Cache(config.memcached.servers, logger, {
                timeoutMs: options.cacheTimeoutMs,
                namespace: config.cassandra.keyspace,
              }),
              (c) => c.close(),
            ),
          inject: [PRODUCER],
        },
        {
          provide: ListStore,
          useFactory: (lists: ListsRepository, cache: Cache) => new ListStore(lists, cache),
          inject: [ListsRepository, Cache],
        },
        {
          provide: ProfileStore,
          useFactory: (cassandra: Client, cache: Cache) =>
            new ProfileStore(new ProfilesRepository(cassandra), cache),
          inject: [CASSANDRA, Cache],
        },
        repository(ListsRepository),
        repository(PlaysRepository),
        repository(CatalogRepository),
        repository(BlobStore),
        repository(ModelsRepository),
        repository(RegistrationsRepository),
        repository(RulesRepository),
        repository(AffinitiesRepository),
        {
          provide: RecentPlaysSignal,
          useFactory: (plays: PlaysRepository, cache: Cache) => new RecentPlaysSignal(plays, cache),
          inject: [PlaysRepository, Cache],
        },
        signal(ContinueWatchingSignal, ContinueWatchingRepository),
        signal(TrendingSignal, TrendingRepository),
        signal(BecauseYouWatchedSignal, BecauseYouWatchedRepository),
      ],
      exports: exported,
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connected.close();
  }
}
