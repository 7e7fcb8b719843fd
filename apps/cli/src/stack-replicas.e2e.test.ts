import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { mintToken } from '@marquee/auth';
import type { AppStatus, ServerStatus } from '@marquee/stack';
import { INSTANCE_HEADER } from '@marquee/stack';
import { testConfig, uniqueId, waitFor } from '@marquee/testkit';

const cli = path.join(__dirname, 'main.js');
const run = promisify(execFile);

/**
 * `stack up --replicas` in a state directory of its own: the shared servers answer already (so it
 * starts none of them), memcached is a pool of two of its own on the ports after
 * MARQUEE_MEMCACHED_PORT, and the apps run on the run's ports (the online port is the proxy's).
 */
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-replicas-'));
const memcachedPort = Number(process.env['MARQUEE_ONLINE_PORT'] ?? 13000) + 7;
const env = { ...process.env, MARQUEE_STATE_DIR: stateDir, MARQUEE_MEMCACHED_PORT: String(memcachedPort) };
const config = testConfig('marquee-test-stack-replicas');

interface Layout {
  servers: ServerStatus[];
  apps: AppStatus[];
}

describe('marquee stack up --replicas (the apps as processes on the real stack)', () => {
  let layout: Layout;

  before(async () => {
    const { stdout } = await run(
      process.execPath,
      [cli, 'stack', 'up', '--replicas', 'online=2,nearline=2,worker=2,memcached=2', '--json'],
      { env, maxBuffer: 16 * 1024 * 1024, timeout: 280_000 },
    );
    layout = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Layout;
  });

  after(async () => {
    const { stdout } = await run(process.execPath, [cli, 'stack', 'down'], { env, timeout: 120_000 });
    console.log(stdout.trim());
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  it('runs every process of the layout, each on its own port, and `stack status` lists them', async () => {
    const instances = layout.apps.map((a) => a.instance).sort();
    assert.deepEqual(instances, [
      'nearline-1',
      'nearline-2',
      'offline-worker-1',
      'offline-worker-2',
      'online-1',
      'online-2',
      'online-proxy',
    ]);
    assert.ok(
      layout.apps.every((a) => a.state === 'running' && a.pid),
      JSON.stringify(layout.apps),
    );
    assert.equal(new Set(layout.apps.map((a) => a.port)).size, layout.apps.length, 'one port each');
    const pool = layout.servers.filter((s) => s.name === 'memcached');
    assert.deepEqual(
      pool.map((s) => [s.id, s.state, s.ports['memcached']]),
      [
        ['memcached', 'running', memcachedPort],
        ['memcached-2', 'running', memcachedPort + 1],
      ],
    );

    const { stdout } = await run(process.execPath, [cli, 'stack', 'status', '--json'], { env });
    const status = JSON.parse(stdout) as Layout;
    assert.deepEqual(status.apps.map((a) => a.instance).sort(), instances);
    assert.ok(status.servers.some((s) => s.id === 'memcached-2'));
  });

  it('serves pages through the proxy from both online processes in turn, and keeps answering when one is killed', async () => {
    const member = uniqueId('m');
    const token = await mintToken({ role: 'device', memberId: member }, config.auth.secret, '1h');
    const page = async () => {
      const response = await fetch(`http://${config.host}:${config.online.port}/v1/users/${member}/rows`, {
        headers: { authorization: `Bearer ${token}` },
      });
      await response.arrayBuffer();
      return { status: response.status, instance: response.headers.get(INSTANCE_HEADER) };
    };
    const served = [];
    for (let i = 0; i < 6; i++) served.push(await page());
    assert.ok(
      served.every((s) => s.status === 200),
      JSON.stringify(served),
    );
    const order = served.map((s) => s.instance);
    assert.deepEqual(new Set(order), new Set(['online-1', 'online-2']), order.join());
    assert.ok(
      order.every((instance, i) => i === 0 || instance !== order[i - 1]),
      `round robin: ${order.join()}`,
    );

    const victim = layout.apps.find((a) => a.instance === 'online-1');
    process.kill(victim?.pid as number, 'SIGKILL');
    await waitFor('online-1 gone', async () => {
      try {
        process.kill(victim?.pid as number, 0);
        return false;
      } catch {
        return true;
      }
    });
    const after = [];
    for (let i = 0; i < 6; i++) after.push(await page());
    assert.deepEqual(
      after.map((s) => [s.status, s.instance]),
      Array.from({ length: 6 }, () => [200, 'online-2']),
    );
  });

  it('rejects a bad --replicas naming the part', async () => {
    await assert.rejects(
      run(process.execPath, [cli, 'stack', 'up', '--replicas', 'nearline=7,cache=2'], { env }),
      (error: unknown) => {
        const { stderr } = error as { stderr: string };
        return (
          /'nearline=7': nearline must be a whole number from 1 to 6/.test(stderr) &&
          /unknown tier 'cache'/.test(stderr)
        );
      },
    );
  });
});
