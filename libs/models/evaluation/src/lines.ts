import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { ValidationError } from '@marquee/domain';

/** Streams a text file line by line with 1-based line numbers, so errors can name file:line. */
export async function* readLines(
  file: string,
  encoding: BufferEncoding = 'utf8',
): AsyncGenerator<{ line: string; number: number }> {
  const input = createReadStream(file, { encoding });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let number = 0;
  try {
    for await (const line of lines) {
      number++;
      yield { line, number };
    }
  } finally {
    // A caller that stops early (format sniffing) must not leave the file open.
    lines.close();
    input.destroy();
  }
}

/** The error for one bad line: "<file>:<line>: <problem> (line: "...")". */
export function lineError(what: string, file: string, number: number, problem: string, line: string) {
  const excerpt = line.length > 80 ? `${line.slice(0, 77)}...` : line;
  return new ValidationError([`${file}:${number}: ${problem} (line: ${JSON.stringify(excerpt)})`], what);
}
