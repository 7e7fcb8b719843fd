import { createReadStream } from 'node:fs';

/** One line of a file: its text, 1-based number, and the byte offset just past its newline. */
export interface FileLine {
  text: string;
  number: number;
  end: number;
}

/**
 * Streams a UTF-8 file's lines from byte `start` (the beginning of line `firstLine`), a read
 * buffer's worth at a time. The byte offsets let an import resume exactly where it stopped without
 * reading the file up to there again.
 */
export async function* readLineBatches(file: string, start = 0, firstLine = 1): AsyncGenerator<FileLine[]> {
  let number = firstLine - 1;
  let offset = start;
  let rest: Buffer = Buffer.alloc(0);
  for await (const chunk of createReadStream(file, { start, highWaterMark: 1 << 20 })) {
    const buffer = rest.length > 0 ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
    const lines: FileLine[] = [];
    let from = 0;
    for (let nl = buffer.indexOf(10, from); nl !== -1; nl = buffer.indexOf(10, from)) {
      const to = nl > from && buffer[nl - 1] === 13 ? nl - 1 : nl;
      number += 1;
      lines.push({ text: buffer.toString('utf8', from, to), number, end: offset + nl + 1 });
      from = nl + 1;
    }
    offset += from;
    rest = buffer.subarray(from);
    if (lines.length > 0) yield lines;
  }
  if (rest.length > 0) {
    const to = rest[rest.length - 1] === 13 ? rest.length - 1 : rest.length;
    yield [{ text: rest.toString('utf8', 0, to), number: number + 1, end: offset + rest.length }];
  }
}
