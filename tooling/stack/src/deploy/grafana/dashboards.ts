import type { Dashboard } from './panels';

/** Every query's selector: the namespaces chosen at the top of the dashboard. */
const ns = 'namespace=~"$namespace"';
const q = (expr: string, legend: string) => ({ expr, legend });
const quantile = (p: number, metric: string, by: string, filter = '') =>
  `histogram_quantile(${p}, sum by (le${by ? `, ${by}` : ''}) (rate(${metric}_bucket{${ns}${filter}}[5m])))`;

const online: Dashboard = {
  uid: 'marquee-online',
  title: 'Marquee / online',
  description: 'The online service: page latency and status by route, fallbacks, memcached.',
  rows: [
    {
      title: 'Requests',
      panels: [
        {
          title: 'Latency p99 by route',
          unit: 's',
          queries: [q(quantile(0.99, 'marquee_http_request_duration_seconds', 'route'), '{{route}}')],
        },
        {
          title: 'Latency p50 by route',
          unit: 's',
          queries: [q(quantile(0.5, 'marquee_http_request_duration_seconds', 'route'), '{{route}}')],
        },
        {
          title: 'Requests by route and status',
          unit: 'reqps',
          queries: [
            q(
              `sum by (route, status) (rate(marquee_http_request_duration_seconds_count{${ns}}[5m]))`,
              '{{route}} {{status}}',
            ),
          ],
        },
        {
          title: 'Errors (5xx) share',
          unit: 'percentunit',
          queries: [
            q(
              `sum(rate(marquee_http_request_duration_seconds_count{${ns}, status=~"5.."}[5m])) / sum(rate(marquee_http_request_duration_seconds_count{${ns}}[5m]))`,
              '5xx',
            ),
          ],
        },
        {
          title: 'Requests per pod',
          description:
            'What the HorizontalPodAutoscaler scales on besides CPU, when the request-rate metric is on.',
          unit: 'reqps',
          queries: [
            q(
              `sum by (pod) (rate(marquee_http_request_duration_seconds_count{${ns}, app="online"}[2m]))`,
              '{{pod}}',
            ),
          ],
        },
        {
          title: 'CPU per pod',
          unit: 'short',
          queries: [q(`sum by (pod) (rate(process_cpu_seconds_total{${ns}, app="online"}[5m]))`, '{{pod}}')],
        },
      ],
    },
    {
      title: 'Pages and fallbacks',
      panels: [
        {
          title: 'Rows filled from a fallback',
          unit: 'ops',
          queries: [
            q(
              `sum by (row, fallback) (rate(marquee_rows_fallbacks_total{${ns}}[5m]))`,
              '{{row}} → {{fallback}}',
            ),
          ],
        },
        {
          title: 'Degraded pages share',
          unit: 'percentunit',
          queries: [
            q(
              `sum(rate(marquee_rows_pages_total{${ns}, degraded="true"}[5m])) / sum(rate(marquee_rows_pages_total{${ns}}[5m]))`,
              'degraded',
            ),
          ],
        },
        {
          title: 'Store reads by source and outcome',
          unit: 'ops',
          queries: [
            q(
              `sum by (source, outcome) (rate(marquee_rows_reads_total{${ns}}[5m]))`,
              '{{source}} {{outcome}}',
            ),
          ],
        },
      ],
    },
    {
      title: 'memcached',
      panels: [
        {
          title: 'Cache hit ratio',
          unit: 'percentunit',
          queries: [
            q(
              `sum(marquee_cache_operations{${ns}, result="hit"}) / sum(marquee_cache_operations{${ns}, result=~"hit|miss"})`,
              'all pods',
            ),
            q(`marquee_cache_hit_ratio{${ns}}`, '{{pod}}'),
          ],
        },
        {
          title: 'Cache reads by result',
          unit: 'ops',
          queries: [q(`sum by (result) (rate(marquee_cache_operations{${ns}}[5m]))`, '{{result}}')],
        },
      ],
    },
  ],
};

const nearline: Dashboard = {
  uid: 'marquee-nearline',
  title: 'Marquee / nearline',
  description: 'Plays from Kafka to the signals: lag per partition, publish-to-stored latency, dead letters.',
  rows: [
    {
      title: 'Consumption',
      panels: [
        {
          title: 'Consumer lag per partition',
          unit: 'short',
          queries: [
            q(`max by (topic, partition) (marquee_nearline_consumer_lag{${ns}})`, '{{topic}}/{{partition}}'),
          ],
        },
        {
          title: 'Plays by outcome',
          unit: 'ops',
          queries: [q(`sum by (outcome) (rate(marquee_nearline_plays_total{${ns}}[5m]))`, '{{outcome}}')],
        },
        {
          title: 'Partition pauses',
          description: 'A partition pauses after its writes kept failing.',
          unit: 'short',
          queries: [
            q(
              `sum by (partition) (increase(marquee_nearline_partition_pauses_total{${ns}}[15m]))`,
              '{{partition}}',
            ),
          ],
        },
      ],
    },
    {
      title: 'Freshness',
      panels: [
        {
          title: 'Publish → stored latency',
          unit: 's',
          queries: [
            q(quantile(0.5, 'marquee_nearline_play_latency_seconds', ''), 'p50'),
            q(quantile(0.99, 'marquee_nearline_play_latency_seconds', ''), 'p99'),
          ],
        },
        {
          title: 'Processing time of a play',
          unit: 's',
          queries: [
            q(quantile(0.5, 'marquee_nearline_processing_seconds', ''), 'p50'),
            q(quantile(0.99, 'marquee_nearline_processing_seconds', ''), 'p99'),
          ],
        },
        {
          title: 'Write retries',
          unit: 'ops',
          queries: [q(`sum(rate(marquee_nearline_retries_total{${ns}}[5m]))`, 'retries')],
        },
      ],
    },
    {
      title: 'Dead letters and the cache',
      panels: [
        {
          title: 'Dead letters by reason',
          unit: 'short',
          queries: [
            q(`sum by (reason) (increase(marquee_nearline_dead_letters_total{${ns}}[15m]))`, '{{reason}}'),
          ],
        },
        {
          title: 'Members waiting for a cache refill',
          unit: 'short',
          queries: [q(`sum(marquee_nearline_cache_repair_pending{${ns}})`, 'pending')],
        },
      ],
    },
  ],
};

const offline: Dashboard = {
  uid: 'marquee-offline',
  title: 'Marquee / offline',
  description: 'Pipelines on the offline workers: runs, step durations and failures, model versions.',
  rows: [
    {
      title: 'Pipeline runs',
      panels: [
        {
          title: 'Runs started by pipeline',
          description: "Attempts of each pipeline's first step.",
          unit: 'short',
          queries: [
            q(
              `sum by (pipeline) (increase(marquee_offline_step_seconds_count{${ns}, step=~"snapshotInteractions|computePopularList"}[1h]))`,
              '{{pipeline}}',
            ),
          ],
        },
        {
          title: 'Versions published by pipeline',
          unit: 'short',
          queries: [
            q(
              `sum by (pipeline) (increase(marquee_offline_step_seconds_count{${ns}, step=~"publishModel|publishList", outcome="completed"}[1h]))`,
              '{{pipeline}}',
            ),
          ],
        },
        {
          title: 'Failed steps',
          unit: 'short',
          queries: [
            q(
              `sum by (pipeline, step) (increase(marquee_offline_step_seconds_count{${ns}, outcome="failed"}[1h]))`,
              '{{pipeline}} {{step}}',
            ),
          ],
        },
      ],
    },
    {
      title: 'Steps',
      panels: [
        {
          title: 'Step duration p50',
          unit: 's',
          queries: [
            q(
              quantile(0.5, 'marquee_offline_step_seconds', 'pipeline, step', ', outcome="completed"'),
              '{{pipeline}} {{step}}',
            ),
          ],
        },
        {
          title: 'Step duration p95',
          unit: 's',
          queries: [
            q(
              quantile(0.95, 'marquee_offline_step_seconds', 'pipeline, step', ', outcome="completed"'),
              '{{pipeline}} {{step}}',
            ),
          ],
        },
        {
          title: 'Tensor backend',
          kind: 'stat',
          unit: 'short',
          queries: [q(`sum by (backend) (marquee_tensor_backend{${ns}})`, '{{backend}}')],
        },
      ],
    },
    {
      title: 'Models',
      panels: [
        {
          title: 'Champion version per registration',
          description: 'The version nearline folds plays into, from each nearline pod.',
          unit: 'short',
          queries: [
            q(
              `max by (registration, kind, version) (marquee_nearline_model_info{${ns}})`,
              '{{registration}} ({{kind}}) {{version}}',
            ),
          ],
        },
        {
          title: 'Version switches',
          unit: 'short',
          queries: [
            q(
              `sum by (registration) (increase(marquee_nearline_model_switches_total{${ns}}[1h]))`,
              '{{registration}}',
            ),
          ],
        },
        {
          title: 'Fold-ins by registration and outcome',
          unit: 'ops',
          queries: [
            q(
              `sum by (registration, outcome) (rate(marquee_nearline_fold_ins_total{${ns}}[5m]))`,
              '{{registration}} {{outcome}}',
            ),
          ],
        },
      ],
    },
  ],
};

/** The dashboards of the three tiers, in the order deploy/grafana lists them. */
export const DASHBOARDS: readonly Dashboard[] = [online, nearline, offline];
