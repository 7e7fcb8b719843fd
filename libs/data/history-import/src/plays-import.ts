import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { ValidationError, type Play } from '@marquee/domain';
import {
  fingerprintOf,
  readCheckpoint,
  removeCheckpoint,
  writeCheckpoint,
  type ImportCheckpoint,
} from './checkpoint';
import type { HistoryWriter } from './history-writer';
import { readLineBatches, type FileLine } from './line-reader';
import {
  formatOf,
  parseCsvHeader,
  parseCsvPlay,
  parseJsonPlay,
  type ParsedRow,
  type PlaysFileFormat,
} from './play-rows';
import type { ImportProgress } from './progress';
import { RejectsFile, rejectsFileOf, type RejectedRow } from './rejects-file';

export interface PlaysImportOptions {
  /** A JSON Lines file (one play per line) or a CSV file with a header (`.csv`). */
  file: string;
  writer: HistoryWriter;
  /**
   * The catalog's title ids: a play of another title is rejected, as nearline refuses it. Without
   * it every title is accepted.
   */
  knownItems?: ReadonlySet<string>;
  /** Lines per chunk: a chunk is written, then checkpointed, while the next one is read. */
  chunkLines?: number;
  /** Stops after this many lines of the file, leaving a checkpoint: for trial runs and tests. */
  stopAfterLines?: number;
  /** Ignores a checkpoint of an earlier run and imports from the first line. */
  restart?: boolean;
  /** Stops at the next chunk boundary (Ctrl-C), leaving a checkpoint. */
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Told of each rejected row as it is found (it is also in the rejects file). */
  onReject?: (row: RejectedRow) => void;
}

export interface PlaysImportSummary {
  file: string;
  format: PlaysFileFormat;
  /** Whether every line is imported; otherwise the checkpoint lets the same command go on. */
  complete: boolean;
  /** The last line written before this run (0 for a fresh import). */
  resumedFromLine: number;
  /** The last line written by the end of this run. */
  line: number;
  /** Plays written in this run, and over every run of this file. */
  plays: number;
  totalPlays: number;
  /** Rows rejected in this run, and over every run of this file (see `rejectsFile`). */
  rejected: number;
  totalRejected: number;
  members: number;
  rejectsFile: string | null;
  seconds: number;
  playsPerSecond: number;
}

const TEXT_LIMIT = 1000;

/**
 * Lines per chunk. Larger chunks group more of a member's plays into one batch (a time-ordered export
 * spreads a member's plays over the whole file); 50,000 plays are a few tens of MB in memory.
 */
export const DEFAULT_CHUNK_LINES = 50_000;

/**
 * Imports a plays file into the members' history (see HistoryWriter), chunk by chunk, resumable: a
 * checkpoint beside the input records the line up to which everything is written, and the next run
 * of the same file goes on from there. A row that is not a valid play is reported with file and
 * line in `<file>.rejects.jsonl`; the other rows are imported.
 */
export async function importPlays(options: PlaysImportOptions): Promise<PlaysImportSummary> {
  const { file, writer } = options;
  const started = Date.now();
  if (!existsSync(file)) throw new ValidationError([`--file: ${file} does not exist`], 'flags');
  const format = formatOf(file);
  if (options.restart) await removeCheckpoint(file);
  const resumed = await readCheckpoint(file);
  const fingerprint = await fingerprintOf(file);
  const { size } = await stat(file);
  const rejects = new RejectsFile(rejectsFileOf(file), resumed?.rejectsBytes ?? 0);
  const columns = format === 'csv' ? await csvColumns(file) : undefined;
  const chunkLines = options.chunkLines ?? DEFAULT_CHUNK_LINES;

  let mark: ImportCheckpoint = resumed ?? {
    input: file,
    fingerprint,
    line: 0,
    offset: 0,
    rejectsBytes: 0,
    plays: 0,
    rejected: 0,
  };
  const first = mark;
  const members = new Set<string>();
  let chunk: Play[] = [];
  let last: FileLine | undefined;
  let linesRead = 0;
  let linesInChunk = 0;
  let rejected = first.rejected;
  let parsedPlays = first.plays;
  let writing: Promise<void> = Promise.resolve();
  const report = () =>
    options.onProgress?.({
      rows: mark.line - first.line,
      done: size > 0 ? mark.offset / size : 1,
    });

  /** Starts writing the chunk read so far once the previous one is written; then checkpoints it. */
  const flush = async () => {
    await writing;
    if (!last) return;
    const plays = chunk;
    const next: ImportCheckpoint = {
      ...mark,
      line: last.number,
      offset: last.end,
      rejectsBytes: rejects.bytes,
      plays: parsedPlays,
      rejected,
    };
    chunk = [];
    linesInChunk = 0;
    writing = (async () => {
      await writer.write(plays);
      await writeCheckpoint(next);
      mark = next;
      report();
    })();
  };

  let stopped = false;
  try {
    reading: for await (const batch of readLineBatches(file, first.offset, first.line + 1)) {
      for (const line of batch) {
        if (
          options.signal?.aborted ||
          (options.stopAfterLines !== undefined && linesRead >= options.stopAfterLines)
        ) {
          stopped = true;
          break reading;
        }
        linesRead += 1;
        last = line;
        if (line.number === 1 && format === 'csv') continue;
        if (line.text.trim() === '') continue;
        const parsed = checkTitle(
          columns ? parseCsvPlay(line.text, columns) : parseJsonPlay(line.text),
          options.knownItems,
        );
        if (parsed.ok) {
          chunk.push(parsed.play);
          members.add(parsed.play.userId);
          parsedPlays += 1;
        } else {
          rejected += 1;
          const row: RejectedRow = {
            file,
            line: line.number,
            reason: parsed.reason,
            text: line.text.length > TEXT_LIMIT ? `${line.text.slice(0, TEXT_LIMIT)}...` : line.text,
          };
          rejects.add(row);
          options.onReject?.(row);
        }
        if (++linesInChunk >= chunkLines) await flush();
      }
    }
    await flush();
    await writing;
  } finally {
    rejects.close();
    await writer.dropHotCopies();
  }
  const complete = !stopped;
  if (complete) await removeCheckpoint(file);
  const seconds = (Date.now() - started) / 1000;
  const plays = mark.plays - first.plays;
  return {
    file,
    format,
    complete,
    resumedFromLine: first.line,
    line: mark.line,
    plays,
    totalPlays: mark.plays,
    rejected: mark.rejected - first.rejected,
    totalRejected: mark.rejected,
    members: members.size,
    rejectsFile: mark.rejected > 0 ? rejects.path : null,
    seconds,
    playsPerSecond: seconds > 0 ? plays / seconds : 0,
  };
}

function checkTitle(parsed: ParsedRow, knownItems: ReadonlySet<string> | undefined): ParsedRow {
  if (!parsed.ok || !knownItems || knownItems.has(parsed.play.itemId)) return parsed;
  return { ok: false, reason: `itemId: ${parsed.play.itemId} is not in the catalog; add the title first` };
}

/** The columns a CSV plays file's header names (its first line), or an error naming file and line. */
async function csvColumns(file: string): Promise<string[]> {
  for await (const batch of readLineBatches(file)) {
    const header = batch[0] as FileLine;
    try {
      return parseCsvHeader(header.text);
    } catch (error) {
      throw new ValidationError([`${file}:1: ${(error as Error).message}`], 'plays file');
    }
  }
  throw new ValidationError([`${file}: the file is empty; expected a header line`], 'plays file');
}
