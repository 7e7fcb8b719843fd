import type { Histogram, Registry } from 'prom-client';
import { histogram } from '@marquee/observability';

/**
 * The service's request durations by method, route and status: one histogram per registry, shared
 * by the routes' hook and admission control (which answers before any route runs).
 */
export function requestDurations(registry: Registry): Histogram<'method' | 'route' | 'status'> {
  const existing = registry.getSingleMetric('marquee_http_request_duration_seconds');
  if (existing) return existing as Histogram<'method' | 'route' | 'status'>;
  return histogram(
    registry,
    'marquee_http_request_duration_seconds',
    'HTTP requests by route and status',
    ['method', 'route', 'status'],
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  ) as Histogram<'method' | 'route' | 'status'>;
}
