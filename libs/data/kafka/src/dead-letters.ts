import type { KafkaMessage, Producer } from 'kafkajs';
import { DLQ_HEADERS, type Topics } from './topics';

/** A message that cannot be processed, and why. */
export interface DeadLetter {
  message: KafkaMessage;
  reason: string;
}

/**
 * Sends bad messages of one partition to `plays.dlq` in one request: each with its original key and
 * bytes, the reason and where it came from in headers; `x-dlq-id` (topic/partition/offset of
 * the original) is the same for every copy, so a reader drops a message sent again after a restart.
 */
export async function sendToDeadLetters(
  producer: Producer,
  topics: Topics,
  source: { topic: string; partition: number },
  letters: readonly DeadLetter[],
): Promise<void> {
  await producer.send({
    topic: topics.playsDlq.name,
    messages: letters.map(({ message, reason }) => ({
      key: message.key,
      value: message.value,
      headers: {
        [DLQ_HEADERS.reason]: reason.slice(0, 2000),
        [DLQ_HEADERS.topic]: source.topic,
        [DLQ_HEADERS.partition]: String(source.partition),
        [DLQ_HEADERS.offset]: message.offset,
        [DLQ_HEADERS.id]: `${source.topic}/${source.partition}/${message.offset}`,
      },
    })),
  });
}
