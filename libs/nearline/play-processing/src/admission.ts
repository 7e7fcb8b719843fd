import type { KafkaMessage } from 'kafkajs';
import { decodePlay, type Play } from '@marquee/domain';

/** Why a message of `plays` was dead-lettered: a small, fixed set, so it can label a metric. */
export type DeadLetterKind = 'empty' | 'too-large' | 'not-json' | 'invalid' | 'key-mismatch' | 'unknown-item';

export type Admission = { ok: true; play: Play } | { ok: false; kind: DeadLetterKind; reason: string };

/** decodePlay's reasons start with these words (libs/domain/src/play.ts); anything else failed the schema. */
function kindOf(reason: string): DeadLetterKind {
  if (reason.startsWith('empty message')) return 'empty';
  if (reason.startsWith('message of ')) return 'too-large';
  if (reason.startsWith('not JSON')) return 'not-json';
  return 'invalid';
}

/**
 * The synchronous checks of one message: size, JSON, schema (fields, absurd timestamps), and that it
 * is keyed by its member. Plays of one member must share a partition to stay in order; a play
 * keyed by someone else would be processed out of order, so it is refused rather than trusted.
 * The catalog check is asynchronous and batched (see KnownItems).
 */
export function admitMessage(message: KafkaMessage): Admission {
  const decoded = decodePlay(message.value);
  if (!decoded.ok) return { ok: false, kind: kindOf(decoded.reason), reason: decoded.reason };
  const key = message.key?.toString('utf8');
  if (key !== undefined && key !== '' && key !== decoded.play.userId) {
    return {
      ok: false,
      kind: 'key-mismatch',
      reason: `message key '${key.slice(0, 64)}' is not the play's userId '${decoded.play.userId}'; publish plays keyed by member`,
    };
  }
  return { ok: true, play: decoded.play };
}

export function unknownItemReason(itemId: string): string {
  return `itemId: '${itemId}' is not in the catalog; add the title to catalog_items before publishing its plays`;
}
