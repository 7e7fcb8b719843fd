import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createKafka, ensureTopics, topicsFor } from '@marquee/kafka';
import { createLogger } from '@marquee/observability';
import { testConfig, uniqueId, waitFor } from '@marquee/testkit';

const cli = path.join(__dirname, 'main.js');
const run = promisify(execFile);

describe('marquee plays publish (the CLI as a process on the real Kafka)', () => {
  it('needs only Kafka: with Cassandra unreachable the play still reaches the plays topic', async () => {
    const config = testConfig('marquee-test-plays-publish');
    const member = uniqueId('cli-member-');
    const kafka = createKafka(config.kafka, createLogger('test-plays-publish', 'warn', true));
    const consumer = kafka.consumer({ groupId: uniqueId('plays-publish-'), maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    const admin = kafka.admin();
    await admin.connect();
    await ensureTopics(admin, topicsFor(config.kafka.topicPrefix)).finally(() => admin.disconnect());
    await consumer.connect();
    try {
      await consumer.subscribe({
        topic: topicsFor(config.kafka.topicPrefix).plays.name,
        fromBeginning: true,
      });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.key?.toString() === member) seen.push(message.value?.toString() ?? '');
        },
      });
      const { stdout } = await run(
        process.execPath,
        [cli, 'plays', 'publish', '--user', member, '--item', 'cli-title-1'],
        {
          // Nothing listens on port 1: a command that connected to Cassandra would fail.
          env: { ...process.env, MARQUEE_CASSANDRA_CONTACT_POINTS: '127.0.0.1:1' },
          timeout: 60_000,
        },
      );
      assert.match(stdout, /published 1 play\(s\) to plays/);
      await waitFor('the published play on the plays topic', async () => seen.length > 0);
      assert.equal(seen.length, 1);
      assert.equal((JSON.parse(seen[0] as string) as { itemId: string }).itemId, 'cli-title-1');
    } finally {
      await consumer.disconnect();
    }
  });
});
