/** Kafka topics of the platform; see ARCHITECTURE.md. */
export const TOPICS = {
  plays: { name: 'plays', partitions: 6 },
  playsDlq: { name: 'plays.dlq', partitions: 3 },
  resultsPublished: { name: 'results.published', partitions: 1 },
} as const;

/** Headers a dead letter carries beside the original bytes. */
export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  topic: 'x-dlq-source-topic',
  partition: 'x-dlq-source-partition',
  offset: 'x-dlq-source-offset',
} as const;
