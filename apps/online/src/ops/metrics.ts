import type { FastifyInstance } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { Cache } from '@marquee/storage';
import { counter } from '@marquee/observability';
import type { RowsObserver } from '@marquee/pages';
import { requestDurations } from './request-durations';

/** Request latency per route and status, for every route (Fastify's own clock, from request to response). */
export function observeRequests(fastify: FastifyInstance, registry: Registry): void {
  const requests = requestDurations(registry);
  fastify.addHook('onResponse', (request, reply, done) => {
    requests.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}

/** The cache's hit ratio and operation counts, read from its own counters at scrape time. */
export function observeCache(registry: Registry, cache: Cache): void {
  new Gauge({
    name: 'marquee_cache_hit_ratio',
    help: 'memcached hits / (hits + misses) since start',
    registers: [registry],
    collect() {
      const { hits, misses } = cache.stats;
      this.set(hits + misses > 0 ? hits / (hits + misses) : 0);
    },
  });
  new Gauge({
    name: 'marquee_cache_operations',
    help: 'memcached reads since start by result (hit, miss, error)',
    labelNames: ['result'],
    registers: [registry],
    collect() {
      this.set({ result: 'hit' }, cache.stats.hits);
      this.set({ result: 'miss' }, cache.stats.misses);
      this.set({ result: 'error' }, cache.stats.errors);
    },
  });
}

/** Metrics of the page pipeline: each read's outcome, each fallback, degraded pages. */
export function rowsObserver(registry: Registry): RowsObserver {
  const reads = counter(registry, 'marquee_rows_reads_total', 'Store reads of a page by source and outcome', [
    'source',
    'outcome',
  ]);
  const fallbacks = counter(
    registry,
    'marquee_rows_fallbacks_total',
    'Rows filled from a fallback (last served page, popular in memory, model) or left out',
    ['row', 'fallback'],
  );
  const pages = counter(registry, 'marquee_rows_pages_total', 'Pages served, degraded or not', ['degraded']);
  return {
    read: (source, outcome) => reads.inc({ source, outcome }),
    fallback: (row, to) => fallbacks.inc({ row, fallback: to }),
    page: (degraded) => pages.inc({ degraded: String(degraded) }),
  };
}
