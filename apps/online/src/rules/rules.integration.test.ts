import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { RowsPage } from '@marquee/pages';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { createOnlineApp } from '../app';
import { DEFAULT_RATE_LIMITS } from '../online-options';
import { OnlineRuntime } from '../pages/online-runtime';
import {
  bearer,
  fixtureOptions,
  onlineSettings,
  seedOnline,
  token,
  type OnlineFixture,
  type TestPlatform,
} from '../online.test-support';

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

/** Rules of these tests end within minutes, so one left behind by a crashed run harms no other test. */
const soon = () => new Date(Date.now() + 10 * 60_000).toISOString();

describe('merchandising rules (real Kafka, Cassandra, memcached; two online replicas)', () => {
  let platform: TestPlatform;
  let fixture: OnlineFixture;
  const apps: NestFastifyApplication[] = [];
  const bases: string[] = [];
  let operator: string;
  const written = new Set<string>();
  const id = (n: number) => fixture.titles[n - 1]?.itemId as string;

  before(async () => {
    platform = await connectTestPlatform('rules');
    fixture = await seedOnline(platform);
    for (const replica of ['a', 'b']) {
      const app = await createOnlineApp(
        onlineSettings(platform, createRegistry(`rules-test-${replica}`), {
          ...fixtureOptions(fixture),
          instanceGroupId: uniqueId(`rules-${replica}-`),
          rateLimit: { windowMs: 10_000, limits: { ...DEFAULT_RATE_LIMITS, operator: 1_000_000 } },
        }),
      );
      await app.listen(0, '127.0.0.1');
      bases.push((await app.getUrl()).replace('[::1]', '127.0.0.1'));
      await app.get(OnlineRuntime).listening;
      apps.push(app);
    }
    operator = await token(platform, 'operator');
  });

  after(async () => {
    for (const ruleId of written)
      await call('DELETE', `/v1/admin/rules/${ruleId}`, operator).catch(() => null);
    for (const app of apps) await app.close();
    await platform?.close();
  });

  const call = async (
    method: string,
    path: string,
    auth: string | null,
    body?: unknown,
    base = bases[0],
  ): Promise<Answer> => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(auth ? bearer(auth) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
  const putRule = async (ruleId: string, rule: Record<string, unknown>) => {
    written.add(ruleId);
    const answer = await call('PUT', `/v1/admin/rules/${ruleId}`, operator, rule);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };
  const issuesOf = (answer: Answer) => (answer.body['issues'] as string[] | undefined) ?? [];
  const pageOf = async (query = '', base = bases[0]) => {
    const answer = await call('GET', `/v1/users/${fixture.member}/rows${query}`, operator, undefined, base);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as unknown as RowsPage;
  };
  const titlesOn = (page: RowsPage) => new Set(page.rows.flatMap((r) => r.items.map((i) => i.itemId)));
  const topPicks = (page: RowsPage) => page.rows.find((r) => r.id === 'top-picks')?.items ?? [];

  it('only operators write rules; a bad rule is refused naming the field', async () => {
    const rule = { action: 'block', items: [id(1)], endsAt: soon() };
    assert.equal((await call('PUT', '/v1/admin/rules/r1', null, rule)).status, 401);
    for (const role of ['device', 'producer', 'experimenter'] as const) {
      const other = await token(platform, role, 'm1');
      assert.equal((await call('PUT', '/v1/admin/rules/r1', other, rule)).status, 403, role);
      assert.equal((await call('GET', '/v1/admin/rules', other)).status, 403, role);
    }
    const refused = async (body: unknown, field: string) => {
      const answer = await call('PUT', `/v1/admin/rules/${uniqueId('bad-')}`, operator, body);
      assert.equal(answer.status, 400, JSON.stringify(answer.body));
      assert.ok(
        issuesOf(answer).some((i) => i.startsWith(`${field}: `)),
        `${field} in ${issuesOf(answer).join('; ')}`,
      );
    };
    await refused({ action: 'pin', items: [id(1)] }, 'position');
    await refused({ action: 'pin', items: [id(1)], position: 99 }, 'position');
    await refused({ action: 'boost', items: [id(1)], weight: 0.5 }, 'weight');
    await refused(
      { action: 'block', items: [id(1)], startsAt: '2026-12-02', endsAt: '2026-12-01' },
      'endsAt',
    );
    await refused({ action: 'block', items: [id(1), 'no-such-title-x'] }, 'items[1]');
    await refused({ action: 'block', items: [id(1)], regions: ['germany'] }, 'regions[0]');
    await refused({ action: 'shuffle', items: [id(1)] }, 'action');
    assert.equal(
      (await call('PUT', `/v1/admin/rules/${encodeURIComponent('bad id!')}`, operator, rule)).status,
      400,
    );
  });

  it('every change is versioned and audited; the same body again makes no new version', async () => {
    const ruleId = uniqueId('audit-');
    const first = await putRule(ruleId, { action: 'bury', items: [id(9)], weight: 0.5, endsAt: soon() });
    assert.equal(first['version'], 1);
    assert.equal(first['changed'], true);
    assert.equal(first['actor'], 'operator');
    assert.equal((await putRule(ruleId, first['rule'] as Record<string, unknown>))['changed'], false);
    const second = await putRule(ruleId, { action: 'bury', items: [id(9)], weight: 0.25, endsAt: soon() });
    assert.equal(second['version'], 2);
    const got = await call('GET', `/v1/admin/rules/${ruleId}`, operator);
    assert.equal((got.body['rule'] as { weight: number }).weight, 0.25);
    const listed = await call('GET', '/v1/admin/rules', operator);
    assert.ok((listed.body['rules'] as Array<{ id: string }>).some((r) => r.id === ruleId));
    assert.equal(typeof listed.body['version'], 'number');

    assert.equal((await call('DELETE', `/v1/admin/rules/${ruleId}`, operator)).status, 204);
    assert.equal((await call('DELETE', `/v1/admin/rules/${ruleId}`, operator)).status, 204, 'idempotent');
    assert.equal((await call('GET', `/v1/admin/rules/${ruleId}`, operator)).status, 404);
    assert.equal((await call('DELETE', `/v1/admin/rules/${uniqueId('none-')}`, operator)).status, 404);
    const history = await call('GET', `/v1/admin/rules/${ruleId}/history`, operator);
    const changes = history.body['changes'] as Array<Record<string, unknown>>;
    assert.deepEqual(
      changes.map((c) => [c['version'], c['action'], c['previousVersion'], c['actor']]),
      [
        [3, 'delete', 2, 'operator'],
        [2, 'put', 1, 'operator'],
        [1, 'put', null, 'operator'],
      ],
    );
    assert.ok(changes.every((c) => typeof c['at'] === 'string' && c['rule']));
    assert.equal((await call('GET', `/v1/admin/rules/${uniqueId('none-')}/history`, operator)).status, 404);
    const openapi = (await (await fetch(`${bases[0]}/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    for (const path of ['/v1/admin/rules', '/v1/admin/rules/{id}', '/v1/admin/rules/{id}/history'])
      assert.ok(openapi.paths[path], path);
  });

  it('a block takes a title off every page at once here and on the second replica within 5 s', async () => {
    const blocked = id(6);
    assert.ok(titlesOn(await pageOf('', bases[1])).has(blocked), 'on the second replica before');
    const ruleId = uniqueId('block-');
    const rule = await putRule(ruleId, { action: 'block', items: [blocked], endsAt: soon() });
    const started = Date.now();
    const here = await pageOf();
    assert.ok(!titlesOn(here).has(blocked), 'off this replica’s page at once');
    assert.ok(
      here.sources.some((s) => /^rules:v\d+$/.test(s)),
      `the page names the rules version: ${here.sources.join()}`,
    );
    await waitFor(
      'the blocked title off the second replica',
      async () => !titlesOn(await pageOf('', bases[1])).has(blocked),
      5000,
    );
    assert.ok(Date.now() - started < 5000);
    assert.equal(rule['version'], 1);
    assert.equal((await call('DELETE', `/v1/admin/rules/${ruleId}`, operator)).status, 204);
    await waitFor(
      'the title back on the second replica',
      async () => titlesOn(await pageOf('', bases[1])).has(blocked),
      5000,
    );
  });

  it('a pin places a title at its position in the named row, saying which rule featured it', async () => {
    const featured = id(12);
    const ruleId = uniqueId('pin-');
    await putRule(ruleId, {
      action: 'pin',
      items: [featured],
      rows: ['top-picks'],
      position: 2,
      endsAt: soon(),
    });
    const items = topPicks(await pageOf());
    assert.equal(items[1]?.itemId, featured, JSON.stringify(items));
    assert.equal(items[1]?.reason, 'featured');
    assert.equal(items[1]?.rule, ruleId);
    assert.equal([...titlesOn(await pageOf())].filter((t) => t === featured).length, 1);
    await call('DELETE', `/v1/admin/rules/${ruleId}`, operator);
    assert.ok(!topPicks(await pageOf()).some((i) => i.itemId === featured));
  });

  it('boost and bury reorder a row', async () => {
    const [head, , , last] = fixture.personalList as [string, string, string, string];
    assert.equal(topPicks(await pageOf())[0]?.itemId, head);
    const bury = uniqueId('bury-');
    await putRule(bury, { action: 'bury', items: [head], weight: 0.01, endsAt: soon() });
    const buried = topPicks(await pageOf()).map((i) => i.itemId);
    assert.equal(buried.at(-1), head, buried.join());
    const boost = uniqueId('boost-');
    await putRule(boost, { action: 'boost', items: [last], weight: 100, endsAt: soon() });
    assert.equal(topPicks(await pageOf())[0]?.itemId, last);
    for (const ruleId of [bury, boost]) await call('DELETE', `/v1/admin/rules/${ruleId}`, operator);
    assert.equal(topPicks(await pageOf())[0]?.itemId, head);
  });

  it('a rule applies only on its devices and in its regions', async () => {
    const target = id(7);
    const devices = uniqueId('tv-only-');
    await putRule(devices, { action: 'block', items: [target], devices: ['tv'], endsAt: soon() });
    assert.ok(!titlesOn(await pageOf('?device=tv')).has(target));
    assert.ok(titlesOn(await pageOf('?device=mobile')).has(target));
    await call('DELETE', `/v1/admin/rules/${devices}`, operator);
    const regions = uniqueId('de-only-');
    await putRule(regions, { action: 'block', items: [target], regions: ['DE'], endsAt: soon() });
    assert.ok(!titlesOn(await pageOf('?region=DE')).has(target));
    assert.ok(titlesOn(await pageOf('?region=US')).has(target));
    assert.ok(titlesOn(await pageOf()).has(target), 'a page of no region: rules of every region only');
    await call('DELETE', `/v1/admin/rules/${regions}`, operator);
  });

  it('a rule starts and ends with its window, without a change to announce', async () => {
    const target = id(8);
    const startsAt = new Date(Date.now() + 2000);
    const endsAt = new Date(startsAt.getTime() + 3000);
    await putRule(uniqueId('window-'), {
      action: 'block',
      items: [target],
      startsAt: startsAt.toISOString(),
      endsAt: endsAt.toISOString(),
    });
    assert.ok(titlesOn(await pageOf()).has(target), 'before the window');
    await waitFor('the window open', async () => !titlesOn(await pageOf()).has(target), 4000);
    assert.ok(Date.now() >= startsAt.getTime());
    await waitFor('the window closed', async () => titlesOn(await pageOf()).has(target), 5000);
    assert.ok(Date.now() >= endsAt.getTime());
  });
});
