import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectTestPlatform, createRegistry, uniqueId } from '@marquee/testkit';
import { createOnlineApp } from './app';
import {
  bearer,
  fixtureOptions,
  onlineSettings,
  seedOnline,
  token,
  type OnlineFixture,
  type TestPlatform,
} from './online.test-support';

describe('online service over its capacity', () => {
  let platform: TestPlatform;
  let fixture: OnlineFixture;
  let app: NestFastifyApplication;
  let base: string;

  before(async () => {
    platform = await connectTestPlatform('online-overload');
    fixture = await seedOnline(platform);
    app = await createOnlineApp(
      onlineSettings(platform, createRegistry(uniqueId('online-')), {
        ...fixtureOptions(fixture),
        // Two requests at once; the lag threshold out of the way, so only the bound sheds here.
        admission: { maxInFlight: 2, shedLagMs: 60_000 },
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await platform?.close();
  });

  it('answers a burst past its bound 503 with Retry-After at once and the rest 200, then 200 again', async () => {
    const members = Array.from({ length: 60 }, () => uniqueId('m'));
    const tokens = await Promise.all(members.map((member) => token(platform, 'device', member)));
    // A few requests first, so the burst measures a warm service rather than its first compilations.
    for (let i = 0; i < 3; i++)
      await (
        await fetch(`${base}/v1/users/${members[i] as string}/rows?device=mobile`, {
          headers: bearer(tokens[i] as string),
        })
      ).arrayBuffer();
    const answers = await Promise.all(
      members.map(async (member, i) => {
        const response = await fetch(`${base}/v1/users/${member}/rows?device=tv`, {
          headers: bearer(tokens[i] as string),
        });
        const body = (await response.json()) as { statusCode?: number; rows?: unknown[] };
        return {
          status: response.status,
          retryAfter: response.headers.get('retry-after'),
          body,
        };
      }),
    );
    const statuses = answers.map((a) => a.status);
    assert.deepEqual(
      statuses.filter((s) => s !== 200 && s !== 503),
      [],
      'every answer is 200 or 503',
    );
    const shed = answers.filter((a) => a.status === 503);
    assert.ok(shed.length > 0, `some requests are shed (${statuses.join(',')})`);
    assert.ok(shed.length < answers.length, 'the admitted ones are served');
    for (const answer of shed) {
      assert.equal(answer.retryAfter, '1');
      assert.equal(answer.body.statusCode, 503);
    }
    for (const answer of answers.filter((a) => a.status === 200)) assert.ok(Array.isArray(answer.body.rows));

    // Probes are never shed; once the burst is over every request is served again.
    assert.equal((await fetch(`${base}/health`)).status, 200);
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${base}/v1/users/${members[i] as string}/rows?device=tv`, {
        headers: bearer(tokens[i] as string),
      });
      assert.equal(response.status, 200);
      await response.arrayBuffer();
    }
    const metrics = await (await fetch(`${base}/metrics`)).text();
    const counted = /marquee_online_shed_total\{[^}]*reason="in_flight"[^}]*\} (\d+)/.exec(metrics);
    assert.equal(Number(counted?.[1]), shed.length, 'every refusal is counted by reason');
    assert.match(metrics, /marquee_online_requests_in_flight(\{[^}]*\})? 0\n/);
    // Quick on the service's own clock: every refusal left within 10 ms of its arrival (the client's
    // clock also holds the time the burst waited for a core on a busy machine).
    const refusals = (le: string) =>
      metrics
        .split('\n')
        .filter(
          (line) =>
            line.startsWith('marquee_http_request_duration_seconds_bucket{') &&
            line.includes('status="503"') &&
            line.includes(`le="${le}"`),
        )
        .reduce((sum, line) => sum + Number(line.split(' ').pop()), 0);
    assert.equal(refusals('0.01'), shed.length, 'every refusal within 10 ms');
    assert.equal(refusals('+Inf'), shed.length);
  });

  it('keeps an idle connection past 5 s, so clients and proxies need not connect again', async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ reused: boolean; keepAlive: unknown }>((resolve, reject) => {
        const request = http.get(`${base}/health`, { agent }, (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ reused: request.reusedSocket, keepAlive: response.headers['keep-alive'] }),
          );
        });
        request.on('error', reject);
      });
    try {
      const first = await get();
      assert.equal(first.keepAlive, 'timeout=72');
      // Past Node's own 5 s, which would have closed it and made the client connect again.
      await new Promise((resolve) => setTimeout(resolve, 5_500));
      const second = await get();
      assert.equal(second.reused, true, 'the second request went on the first connection');
    } finally {
      agent.destroy();
    }
  });
});
