import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { mintToken } from '@marquee/auth';
import { distDir, type PrometheusStatus } from '@marquee/stack';
import { testConfig, uniqueId, waitFor } from '@marquee/testkit';

const cli = path.join(__dirname, 'main.js');
const run = promisify(execFile);

/** Debian's chromium and prometheus (.ci/run installs both); without them the test is skipped locally. */
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((file) => fs.existsSync(file));
const PROMETHEUS = spawnSync('prometheus', ['--version']).status === 0;
const missing = [!CHROMIUM && 'chromium', !PROMETHEUS && 'prometheus'].filter(Boolean).join(' and ');
const DOCS = path.join(path.dirname(distDir()), 'docs');

/** The two queries an operator looks at first; the screenshots in docs/ show them. */
const QUERIES = [
  {
    file: 'monitoring-online-requests.png',
    expr: 'sum by (route, process) (rate(marquee_http_request_duration_seconds_count{route!~"/health|/metrics"}[30s]))',
  },
  {
    file: 'monitoring-nearline-plays.png',
    expr: 'sum by (process, outcome) (rate(marquee_nearline_plays_total[30s]))',
  },
];

/** Consumer lag per partition, from both nearline processes: a flat zero here, so checked, not pictured. */
const LAG = 'max by (partition) (marquee_nearline_consumer_lag)';

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-monitoring-'));
const prometheusPort = Number(process.env['MARQUEE_ONLINE_PORT'] ?? 13000) + 9;
const env = { ...process.env, MARQUEE_STATE_DIR: stateDir, MARQUEE_PROMETHEUS_PORT: String(prometheusPort) };
const config = testConfig('marquee-test-monitoring');

describe(
  'marquee stack up --with-monitoring: Prometheus graphs live data in headless Chromium',
  {
    skip: missing && !process.env['CI'] ? `${missing} not installed (apt-get install -y ${missing})` : false,
  },
  () => {
    let prometheus: PrometheusStatus;
    let browser: Browser | undefined;

    before(async () => {
      assert.ok(!missing, `${missing} not installed: apt-get install -y ${missing} (see .ci/run)`);
      const { stdout } = await run(
        process.execPath,
        [cli, 'stack', 'up', '--replicas', 'online=2,nearline=2,worker=1', '--with-monitoring', '--json'],
        { env, maxBuffer: 16 * 1024 * 1024, timeout: 280_000 },
      );
      prometheus = (JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { prometheus: PrometheusStatus })
        .prometheus;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    });

    after(async () => {
      await browser?.close();
      const { stdout } = await run(process.execPath, [cli, 'stack', 'down'], { env, timeout: 120_000 });
      console.log(stdout.trim());
      fs.rmSync(stateDir, { recursive: true, force: true });
    });

    it('scrapes every process and graphs online requests by route and nearline plays by process', async () => {
      assert.equal(prometheus.state, 'running');
      assert.equal(prometheus.url, `http://${config.host}:${prometheusPort}`);
      const processes = await waitFor('every target scraped and up', async () => {
        const { data } = (await (await fetch(`${prometheus.url}/api/v1/targets`)).json()) as {
          data: { activeTargets: Array<{ labels: Record<string, string>; health: string }> };
        };
        return data.activeTargets.length === 5 && data.activeTargets.every((t) => t.health === 'up')
          ? data.activeTargets.map((t) => t.labels['process']).sort()
          : undefined;
      });
      assert.deepEqual(processes, ['nearline-1', 'nearline-2', 'offline-worker', 'online-1', 'online-2']);

      // Live traffic: pages through the proxy (both online processes) and plays for nearline.
      const member = uniqueId('m');
      const token = await mintToken({ role: 'device', memberId: member }, config.auth.secret, '1h');
      const traffic = (async () => {
        for (let i = 0; i < 60; i++) {
          const response = await fetch(
            `http://${config.host}:${config.online.port}/v1/users/${member}/rows`,
            {
              headers: { authorization: `Bearer ${token}` },
            },
          );
          await response.arrayBuffer();
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      // A few batches some seconds apart: a counter's rate needs increments after its first sample.
      for (const seed of [1, 2, 3, 4]) {
        await run(
          process.execPath,
          [cli, 'plays', 'publish', '--synthetic', '--members', '10', '--seed', String(seed)],
          {
            env,
          },
        );
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
      await traffic;

      /** The query's series now, and how many of them are above zero (a flat zero draws no line). */
      const query = async (expr: string) => {
        const url = `${prometheus.url}/api/v1/query?query=${encodeURIComponent(expr)}`;
        const { data } = (await (await fetch(url)).json()) as {
          data: { result: Array<{ value: [number, string] }> };
        };
        return {
          series: data.result.length,
          positive: data.result.filter((r) => Number(r.value[1]) > 0).length,
        };
      };
      assert.equal(
        await waitFor('consumer lag of every partition', async () => (await query(LAG)).series >= 6),
        true,
      );
      for (const graph of QUERIES) {
        await waitFor(
          `a series above zero for ${graph.expr}`,
          async () => (await query(graph.expr)).positive > 0,
          30_000,
          1000,
        );
        const page = await (browser as Browser).newPage({ viewport: { width: 1280, height: 900 } });
        await page.goto(
          `${prometheus.url}/graph?g0.expr=${encodeURIComponent(graph.expr)}&g0.tab=0&g0.range_input=1m`,
        );
        // Debian's package serves Prometheus's classic UI: a Rickshaw chart with a legend per series.
        await page.waitForSelector('.rickshaw_legend li.line', { timeout: 30_000 });
        const drawn = await page.locator('.rickshaw_legend li.line').count();
        assert.ok(drawn >= 1, `${graph.expr}: a series in the legend`);
        assert.ok((await page.locator('.rickshaw_graph svg path').count()) >= drawn, 'and its line drawn');
        await page.screenshot({ path: path.join(DOCS, graph.file) });
        await page.close();
      }
    });
  },
);
