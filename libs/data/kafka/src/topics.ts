export interface TopicSpec {
  name: string;
  partitions: number;
}

export interface Topics {
  plays: TopicSpec;
  playsDlq: TopicSpec;
  resultsPublished: TopicSpec;
  /** Members whose rows nearline has just rewritten: online instances drop their near-cached pages. */
  membersUpdated: TopicSpec;
  /** Titles added, changed or removed: online reloads them, nearline learns new ones. */
  catalogUpdated: TopicSpec;
  /** A merchandising rule was put or deleted: online instances reload the rules. */
  rulesUpdated: TopicSpec;
}

/**
 * Kafka topics of the platform (see ARCHITECTURE.md). A prefix gives a test run or a second
 * environment on the same cluster topics of its own.
 */
export function topicsFor(prefix = ''): Topics {
  return {
    plays: { name: `${prefix}plays`, partitions: 6 },
    playsDlq: { name: `${prefix}plays.dlq`, partitions: 3 },
    resultsPublished: { name: `${prefix}results.published`, partitions: 1 },
    membersUpdated: { name: `${prefix}members.updated`, partitions: 1 },
    catalogUpdated: { name: `${prefix}catalog.updated`, partitions: 1 },
    rulesUpdated: { name: `${prefix}rules.updated`, partitions: 1 },
  };
}

/** Headers a dead letter carries beside the original bytes. */
export const DLQ_HEADERS = {
  reason: 'x-dlq-reason',
  topic: 'x-dlq-source-topic',
  partition: 'x-dlq-source-partition',
  offset: 'x-dlq-source-offset',
  /** topic/partition/offset of the original: the same for every copy of one dead letter. */
  id: 'x-dlq-id',
} as const;
