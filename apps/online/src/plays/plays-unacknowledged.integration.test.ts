import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { MarqueeConfig } from '@marquee/config';
import { createKafka, prepareTopics, topicsFor } from '@marquee/kafka';
import { LocalStack } from '@marquee/stack';
import { connectTestPlatform, createRegistry, uniqueId, waitFor } from '@marquee/testkit';
import { createOnlineApp } from '../app';
import { bearer, onlineSettings, play, token, type TestPlatform } from '../online.test-support';

/**
 * The broker stops answering: its process is paused (SIGSTOP) as a hung or partitioned broker would
 * be, and resumed (SIGCONT) afterwards. Only a broker this stack started can be paused.
 */
async function kafkaPid(platform: TestPlatform): Promise<number | undefined> {
  const kafka = (await new LocalStack(platform.config).status()).find((server) => server.name === 'kafka');
  return kafka?.state === 'running' ? kafka.pid : undefined;
}

describe('POST /v1/plays when the broker does not answer (real Kafka, paused)', () => {
  let platform: TestPlatform;
  let config: MarqueeConfig;
  let pid: number | undefined;
  let app: NestFastifyApplication;
  let playsTopic: string;

  before(async () => {
    platform = await connectTestPlatform('online-unacknowledged');
    const prefix = `${platform.config.kafka.topicPrefix}${uniqueId('acks')}.`;
    config = {
      ...platform.config,
      kafka: { ...platform.config.kafka, topicPrefix: prefix, playsAckTimeoutMs: 1000 },
    };
    const kafka = createKafka(config.kafka, platform.logger);
    await prepareTopics(kafka, topicsFor(prefix), platform.logger);
    playsTopic = topicsFor(prefix).plays.name;
    pid = await kafkaPid(platform);
    app = await createOnlineApp({
      ...onlineSettings(
        platform,
        createRegistry(uniqueId('online-')),
        { demoPage: false },
        { cassandra: platform.cassandra, cache: platform.cache },
      ),
      config,
    });
    await app.init();
  });

  after(async () => {
    await app?.close();
    if (pid) process.kill(pid, 'SIGCONT');
    await platform?.close();
  });

  it('answers 503 with Retry-After within its bound, and the retried play is delivered once the broker accepts', async (t) => {
    if (!pid) {
      t.skip('Kafka was not started by this stack (no pid to pause): run the tests on the local stack');
      return;
    }
    const member = uniqueId('acks-member-');
    const posted = play(member, uniqueId('acks-title-'));
    const headers = { ...bearer(await token(platform, 'producer')), 'content-type': 'application/json' };

    process.kill(pid, 'SIGSTOP');
    let refused;
    const started = Date.now();
    try {
      refused = await app.inject({ method: 'POST', url: '/v1/plays', headers, payload: posted });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const waited = Date.now() - started;
    assert.equal(refused.statusCode, 503, refused.body);
    assert.equal(refused.headers['retry-after'], '1');
    assert.match(refused.json<{ message: string }>().message, /retry with the same event ids/);
    assert.ok(waited < 5000, `answered after ${waited} ms`);

    const accepted = await waitFor('the broker to accept the retried play', async () => {
      const retried = await app.inject({ method: 'POST', url: '/v1/plays', headers, payload: posted });
      return retried.statusCode === 202 ? retried : undefined;
    });
    assert.deepEqual(accepted.json(), { accepted: [posted.eventId] });

    const consumer = createKafka(config.kafka, platform.logger).consumer({
      groupId: uniqueId('acks-reader-'),
    });
    const delivered: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: playsTopic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          delivered.push((JSON.parse(message.value?.toString() ?? '{}') as { eventId: string }).eventId);
        },
      });
      await waitFor('the accepted play on the topic', async () => delivered.includes(posted.eventId));
    } finally {
      await consumer.disconnect();
    }
    // The refused attempt may still land once the broker resumes: consumers dedupe by event id.
    assert.deepEqual(new Set(delivered), new Set([posted.eventId]));
  });
});
