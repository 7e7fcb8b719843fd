import type { KafkaMessage, Producer } from 'kafkajs';
import { DLQ_HEADERS, type Topics } from './topics';

/** Sends the original bytes of a bad message to `plays.dlq` with the reason in headers. */
export async function sendToDeadLetters(
  producer: Producer,
  topics: Topics,
  source: { topic: string; partition: number; message: KafkaMessage },
  reason: string,
): Promise<void> {
  await producer.send({
    topic: topics.playsDlq.name,
    messages: [
      {
        key: source.message.key,
        value: source.message.value,
        headers: {
          [DLQ_HEADERS.reason]: reason.slice(0, 2000),
          [DLQ_HEADERS.topic]: source.topic,
          [DLQ_HEADERS.partition]: String(source.partition),
          [DLQ_HEADERS.offset]: source.message.offset,
        },
      },
    ],
  });
}
