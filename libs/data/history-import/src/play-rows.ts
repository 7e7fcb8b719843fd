import { DEVICES, ID_PATTERN, formatIssues, playSchema, splitCsv, type Play } from '@marquee/domain';

/** The layouts a plays file can have: one JSON play per line, or CSV with a header naming the fields. */
export type PlaysFileFormat = 'jsonl' | 'csv';

export const PLAY_FIELDS = [
  'eventId',
  'userId',
  'itemId',
  'device',
  'timestamp',
  'positionMs',
  'durationMs',
] as const;
const NUMERIC_FIELDS = new Set<string>(['positionMs', 'durationMs']);

export type ParsedRow = { ok: true; play: Play } | { ok: false; reason: string };

/** The format a file's name says (`.csv`, else JSON Lines). */
export function formatOf(file: string): PlaysFileFormat {
  return /\.csv$/i.test(file) ? 'csv' : 'jsonl';
}

/** One line of a JSON Lines plays file, validated as the online API validates a play. */
export function parseJsonPlay(line: string): ParsedRow {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  return validate(json);
}

/**
 * The columns of a CSV plays file, from its header: every play field once, in any order. Throws
 * naming what is missing or unknown, since no row can be read without it.
 */
export function parseCsvHeader(line: string): string[] {
  const columns = splitCsv(line).map((c) => c.trim());
  const missing = PLAY_FIELDS.filter((f) => !columns.includes(f));
  const unknown = columns.filter((c) => !(PLAY_FIELDS as readonly string[]).includes(c));
  const repeated = columns.filter((c, i) => columns.indexOf(c) !== i);
  const problems = [
    missing.length ? `missing ${missing.join(', ')}` : '',
    unknown.length ? `unknown ${unknown.join(', ')}` : '',
    repeated.length ? `repeated ${repeated.join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length > 0)
    throw new Error(
      `the CSV header must name the columns ${PLAY_FIELDS.join(',')} (any order): ${problems.join('; ')}`,
    );
  return columns;
}

/** One CSV row under `columns`; numbers must be whole numbers written in decimal. */
export function parseCsvPlay(line: string, columns: readonly string[]): ParsedRow {
  const fields = splitCsv(line);
  if (fields.length !== columns.length)
    return { ok: false, reason: `expected ${columns.length} fields, found ${fields.length}` };
  const record: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) {
    const name = columns[i] as string;
    const value = fields[i] as string;
    if (NUMERIC_FIELDS.has(name)) {
      if (!/^-?\d+$/.test(value.trim())) return { ok: false, reason: `${name}: must be an integer` };
      record[name] = Number(value);
    } else record[name] = value;
  }
  return validate(record);
}

function validate(value: unknown): ParsedRow {
  const fast = wellFormedPlay(value);
  if (fast) return { ok: true, play: fast };
  const result = playSchema.safeParse(value);
  if (!result.success) return { ok: false, reason: formatIssues(result.error).join('; ') };
  return { ok: true, play: result.data };
}

const EVENT_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;
const UTC_TIME =
  /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d{1,9})?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/;
const DEVICE_NAMES = new Set<string>(DEVICES);
const EARLIEST_PLAY = Date.parse('2000-01-01T00:00:00Z');
const MAX_CLOCK_SKEW_MS = 3600_000;
const MAX_DURATION_MS = 24 * 3600_000;
const PLAY_KEYS = 7;

/**
 * The common case of a valid play, checked in a few comparisons: the schema costs about 13 µs a
 * row, a quarter of an hour of one core over 20 million plays. It accepts only what `playSchema`
 * accepts (a narrower date-time form, a calendar date); anything else, valid or not, goes to the
 * schema, which also words the errors.
 */
export function wellFormedPlay(value: unknown): Play | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  const { eventId, userId, itemId, device, timestamp, positionMs, durationMs } = v;
  if (Object.keys(v).length !== PLAY_KEYS) return undefined;
  if (typeof eventId !== 'string' || !EVENT_ID.test(eventId)) return undefined;
  if (typeof userId !== 'string' || !ID_PATTERN.test(userId)) return undefined;
  if (typeof itemId !== 'string' || !ID_PATTERN.test(itemId)) return undefined;
  if (typeof device !== 'string' || !DEVICE_NAMES.has(device)) return undefined;
  if (typeof timestamp !== 'string') return undefined;
  const parts = UTC_TIME.exec(timestamp);
  if (!parts) return undefined;
  const [, year, month, day] = parts as unknown as [string, string, string, string];
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (calendar.getUTCDate() !== Number(day)) return undefined;
  const at = Date.parse(timestamp);
  if (!(at >= EARLIEST_PLAY && at <= Date.now() + MAX_CLOCK_SKEW_MS)) return undefined;
  if (!Number.isSafeInteger(positionMs) || !Number.isSafeInteger(durationMs)) return undefined;
  const position = positionMs as number;
  const duration = durationMs as number;
  if (position < 0 || duration <= 0 || duration > MAX_DURATION_MS || position > duration) return undefined;
  return {
    eventId,
    userId,
    itemId,
    device: device as Play['device'],
    timestamp,
    positionMs: position,
    durationMs: duration,
  };
}
