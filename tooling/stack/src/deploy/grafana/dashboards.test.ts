import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '../chart-tools';
import { DASHBOARDS } from './dashboards';
import { metricNames } from './panels';
import { dashboardFiles } from './write-dashboards';

const SOURCES = ['apps', 'libs', 'workflows', 'signals'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/**
 * The metrics the apps register with prom-client: `counter|gauge|histogram(registry, 'name', ...)`
 * and `new Gauge({ name: '...' })`, plus Node's default metrics when a registry collects them.
 */
function exportedMetrics(): Set<string> {
  const root = workspaceRoot();
  const names = new Set<string>();
  for (const file of SOURCES.flatMap((dir) => sourceFiles(path.join(root, dir)))) {
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\b(?:counter|gauge|histogram)\(\s*\w+,\s*'([a-z_][a-z0-9_]*)'/g))
      names.add(m[1] ?? '');
    for (const m of text.matchAll(/\bname:\s*'(marquee_[a-z0-9_]*)'/g)) names.add(m[1] ?? '');
    if (text.includes('collectDefaultMetrics(')) names.add('process_cpu_seconds_total');
  }
  return names;
}

describe('the Grafana dashboards', () => {
  const exported = exportedMetrics();

  it('find the metrics of the three apps in their code', () => {
    for (const name of [
      'marquee_http_request_duration_seconds',
      'marquee_nearline_consumer_lag',
      'marquee_offline_step_seconds',
    ])
      assert.ok(exported.has(name), `${name} not found among ${[...exported].join(', ')}`);
  });

  it('query in every panel only metrics the apps export', () => {
    for (const dashboard of DASHBOARDS)
      for (const row of dashboard.rows)
        for (const panel of row.panels)
          for (const { expr } of panel.queries) {
            const names = metricNames(expr);
            const where = `${dashboard.title} / ${row.title} / ${panel.title}: ${expr}`;
            assert.ok(names.length > 0, `${where} names no metric`);
            for (const name of names)
              assert.ok(exported.has(name), `${where} reads ${name}, which no app exports`);
          }
  });

  it('read metric names out of PromQL, leaving functions and labels out', () => {
    assert.deepEqual(
      metricNames(
        'histogram_quantile(0.99, sum by (le, route_name) (rate(marquee_x_seconds_bucket{status=~"5.."}[5m])))',
      ),
      ['marquee_x_seconds'],
    );
    assert.deepEqual(metricNames('sum(marquee_a{r="x_y"}) / sum(marquee_b_total)'), [
      'marquee_a',
      'marquee_b_total',
    ]);
  });

  it('are the files in deploy/grafana, as the code writes them', () => {
    const root = workspaceRoot();
    for (const { file, text } of dashboardFiles()) {
      const written = fs.existsSync(path.join(root, file))
        ? fs.readFileSync(path.join(root, file), 'utf8')
        : '';
      assert.equal(
        written,
        text,
        `${file} is not what the code writes: run node dist/tooling/stack/src/deploy/grafana/write-dashboards.js`,
      );
    }
  });
});
