import { Global, Module } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { Topics } from '@marquee/kafka';
import type { Logger } from '@marquee/observability';
import { ActiveRules, ReferenceData, RowsService, SimilarItems } from '@marquee/pages';
import {
  BecauseYouWatchedSignal,
  ContinueWatchingSignal,
  RecentPlaysSignal,
  TrendingSignal,
} from '@marquee/signals';
import {
  AffinitiesRepository,
  BlobStore,
  CatalogRepository,
  ListStore,
  ListsRepository,
  ModelsRepository,
  ProfileStore,
  RegistrationsRepository,
  RulesRepository,
} from '@marquee/storage';
import type { OnlineOptions } from '../online-options';
import { rowsObserver } from '../ops/metrics';
import { KAFKA, LOGGER, OPTIONS, REGISTRY, TOPICS } from '../tokens';
import { OnlineRuntime } from './online-runtime';

/**
 * What pages are made from, shared by the features: reference data and the item-kNN model in
 * memory, the page pipeline, and the runtime that loads them at start and follows announcements.
 */
@Global()
@Module({
  providers: [
    {
      provide: ReferenceData,
      useFactory: (
        catalog: CatalogRepository,
        listStore: ListStore,
        lists: ListsRepository,
        affinities: AffinitiesRepository,
        registrations: RegistrationsRepository,
        trending: TrendingSignal,
        logger: Logger,
        options: OnlineOptions,
      ) =>
        new ReferenceData(
          { catalog, listStore, lists, affinities, registrations, trending, logger },
          {
            refreshMs: options.referenceRefreshMs,
            ...(options.loadVariants ? { loadVariants: options.loadVariants } : {}),
          },
        ),
      inject: [
        CatalogRepository,
        ListStore,
        ListsRepository,
        AffinitiesRepository,
        RegistrationsRepository,
        TrendingSignal,
        LOGGER,
        OPTIONS,
      ],
    },
    {
      provide: SimilarItems,
      useFactory: (
        models: ModelsRepository,
        blobs: BlobStore,
        registrations: RegistrationsRepository,
        logger: Logger,
        options: OnlineOptions,
      ) => new SimilarItems({ models, blobs, registrations, logger }, options.similarRegistration),
      inject: [ModelsRepository, BlobStore, RegistrationsRepository, LOGGER, OPTIONS],
    },
    {
      provide: ActiveRules,
      useFactory: (rules: RulesRepository, logger: Logger) => new ActiveRules({ rules, logger }),
      inject: [RulesRepository, LOGGER],
    },
    {
      provide: RowsService,
      useFactory: (
        reference: ReferenceData,
        similar: SimilarItems,
        lists: ListStore,
        continueWatching: ContinueWatchingSignal,
        recentPlays: RecentPlaysSignal,
        becauseYouWatched: BecauseYouWatchedSignal,
        profiles: ProfileStore,
        registry: Registry,
        options: OnlineOptions,
        rules: ActiveRules,
      ) =>
        new RowsService(
          { reference, similar, lists, continueWatching, recentPlays, becauseYouWatched, profiles, rules },
          {
            deadlineMs: options.deadlineMs,
            signalsTtlMs: options.signalsTtlMs,
            degradedTtlMs: options.degradedTtlMs,
            observer: rowsObserver(registry),
          },
        ),
      inject: [
        ReferenceData,
        SimilarItems,
        ListStore,
        ContinueWatchingSignal,
        RecentPlaysSignal,
        BecauseYouWatchedSignal,
        ProfileStore,
        REGISTRY,
        OPTIONS,
        ActiveRules,
      ],
    },
    {
      provide: OnlineRuntime,
      useFactory: (
        reference: ReferenceData,
        similar: SimilarItems,
        rows: RowsService,
        kafka: Kafka,
        topics: Topics,
        logger: Logger,
        options: OnlineOptions,
        rules: ActiveRules,
      ) =>
        new OnlineRuntime(
          reference,
          similar,
          rows,
          {
            kafka,
            topics,
            logger,
            instanceGroupId: options.instanceGroupId,
          },
          rules,
        ),
      inject: [ReferenceData, SimilarItems, RowsService, KAFKA, TOPICS, LOGGER, OPTIONS, ActiveRules],
    },
  ],
  exports: [ReferenceData, SimilarItems, RowsService, OnlineRuntime, ActiveRules],
})
export class PagesModule {}
