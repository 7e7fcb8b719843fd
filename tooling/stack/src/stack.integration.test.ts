import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testConfig } from '@marquee/testkit';
import { LocalStack } from './stack';

describe('local stack (deploy/local)', () => {
  const stack = new LocalStack(testConfig());

  it('reports every server healthy through its real health check', async () => {
    const servers = await stack.status();
    assert.deepEqual(servers.map((s) => s.name).sort(), ['cassandra', 'kafka', 'memcached', 'temporal']);
    for (const server of servers) {
      assert.ok(
        ['running', 'external'].includes(server.state),
        `${server.name}: ${server.state} ${server.error ?? ''}`,
      );
    }
    const health = Object.fromEntries(servers.map((s) => [s.name, s.health ?? '']));
    assert.match(health['cassandra'] ?? '', /^Cassandra 5\.0\.\d+$/);
    assert.match(health['memcached'] ?? '', /^memcached 1\.6\./);
    assert.match(health['kafka'] ?? '', /1 broker/);
    assert.match(health['temporal'] ?? '', /namespace default/);
  });

  it('`up` is idempotent: with everything healthy it starts nothing', async () => {
    const result = await stack.up();
    assert.deepEqual(result.started, []);
    assert.equal(result.alreadyRunning.length, 4);
  });
});
