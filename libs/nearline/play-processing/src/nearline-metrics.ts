import type { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { counter, gauge, histogram } from '@marquee/observability';

export interface NearlineMetrics {
  /** Plays by outcome: stored, duplicate, dead-lettered. */
  plays: Counter;
  /** Dead letters by kind (empty, too-large, not-json, invalid, key-mismatch, unknown-item). */
  deadLetters: Counter;
  /** Publish (Kafka timestamp) to the play's writes done. */
  latency: Histogram;
  /** Fetched by the consumer to the play's writes done. */
  processing: Histogram;
  /** Messages per fetched batch: small batches mean every play pays the per-batch round trips. */
  batchSize: Histogram;
  /** Fold-ins by registration and outcome (folded, no-known-titles, error). */
  foldIns: Counter;
  becauseYouWatched: Counter;
  /** Messages behind the end of each partition of `plays` (committed offset to high watermark). */
  lag: Gauge;
  /** Partitions paused because a write kept failing, and write attempts retried. */
  pauses: Counter;
  retries: Counter;
  /** 1 for the champion version each registration is folded into. */
  models: Gauge;
  modelSwitches: Counter;
  /** Members whose hot copies are waiting to be refilled in memcached. */
  cacheRepairPending: Gauge;
}

export function nearlineMetrics(registry: Registry): NearlineMetrics {
  return {
    plays: counter(registry, 'marquee_nearline_plays_total', 'Plays handled by outcome', ['outcome']),
    deadLetters: counter(
      registry,
      'marquee_nearline_dead_letters_total',
      'Messages of plays sent to plays.dlq, by reason',
      ['reason'],
    ),
    latency: histogram(
      registry,
      'marquee_nearline_play_latency_seconds',
      'Time from publish to the play being stored in the signals',
    ),
    processing: histogram(
      registry,
      'marquee_nearline_processing_seconds',
      'Time from the consumer receiving a play to all of its writes succeeding',
    ),
    batchSize: histogram(
      registry,
      'marquee_nearline_batch_messages',
      'Messages per batch of plays handled',
      [],
      [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
    ),
    foldIns: counter(
      registry,
      'marquee_nearline_fold_ins_total',
      'Members folded into a champion model after a play, by registration and outcome',
      ['registration', 'outcome'],
    ),
    becauseYouWatched: counter(
      registry,
      'marquee_nearline_because_you_watched_total',
      '"Because you watched" refreshes by outcome',
      ['outcome'],
    ),
    lag: gauge(registry, 'marquee_nearline_consumer_lag', 'Consumer lag in messages per partition', [
      'topic',
      'partition',
    ]),
    pauses: counter(
      registry,
      'marquee_nearline_partition_pauses_total',
      'Partitions paused after writes kept failing',
      ['partition'],
    ),
    retries: counter(registry, 'marquee_nearline_retries_total', 'Member writes retried after a failure'),
    models: gauge(
      registry,
      'marquee_nearline_model_info',
      'The champion version nearline folds plays into (1), per registration',
      ['registration', 'kind', 'version'],
    ),
    modelSwitches: counter(
      registry,
      'marquee_nearline_model_switches_total',
      'Version switches after results.published',
      ['registration'],
    ),
    cacheRepairPending: gauge(
      registry,
      'marquee_nearline_cache_repair_pending',
      'Members whose memcached copies wait to be refilled',
    ),
  };
}
