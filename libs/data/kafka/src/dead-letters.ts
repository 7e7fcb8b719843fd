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
  for (const chunk of chunksWithin(letters, DEAD_LETTER_REQUEST_BYTES))
    await sendChunk(producer, topics, source, chunk);
}

/**
 * The bytes of dead letters sent in one request: the broker refuses a record batch larger than its
 * message size limit (1 MiB by default), and a refused batch would stall its partition for good.
 */
const DEAD_LETTER_REQUEST_BYTES = 256 * 1024;

/** Consecutive runs of letters whose bytes (value, key and reason) stay within `limit`; a larger letter goes alone. */
function chunksWithin(letters: readonly DeadLetter[], limit: number): DeadLetter[][] {
  const chunks: DeadLetter[][] = [];
  let chunk: DeadLetter[] = [];
  let bytes = 0;
  for (const letter of letters) {
    const size =
      (letter.message.value?.length ?? 0) +
      (letter.message.key?.length ?? 0) +
      Math.min(letter.reason.length, 2000) +
      256;
    if (chunk.length > 0 && bytes + size > limit) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(letter);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

async function sendChunk(
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
