import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KafkaMessage, Producer } from 'kafkajs';
import { sendToDeadLetters } from './dead-letters';
import { DLQ_HEADERS, topicsFor } from './topics';

const letter = (offset: number, bytes: number) => ({
  message: {
    offset: String(offset),
    key: Buffer.from('m1'),
    value: Buffer.alloc(bytes, 120),
  } as KafkaMessage,
  reason: 'x'.repeat(2000),
});

describe('dead letters', () => {
  it('sends a burst in requests the broker accepts, every letter once and in order, with its origin', async () => {
    const requests: Array<Array<{ value: Buffer; headers: Record<string, string> }>> = [];
    const producer = {
      send: async ({ messages }: { messages: Array<{ value: Buffer; headers: Record<string, string> }> }) => {
        requests.push(messages);
        return [];
      },
    } as unknown as Producer;
    const letters = Array.from({ length: 600 }, (_, i) => letter(i, 2000));
    await sendToDeadLetters(producer, topicsFor('unit.'), { topic: 'unit.plays', partition: 4 }, letters);
    assert.ok(requests.length > 1, 'more than one request');
    for (const request of requests) {
      const bytes = request.reduce((sum, m) => sum + m.value.length + 2000, 0);
      assert.ok(bytes <= 256 * 1024, `a request of ${bytes} bytes`);
    }
    const ids = requests.flat().map((m) => m.headers[DLQ_HEADERS.id]);
    assert.deepEqual(
      ids,
      letters.map((_, i) => `unit.plays/4/${i}`),
    );
  });
});
