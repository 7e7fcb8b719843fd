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

/** Splits one CSV record (RFC 4180 quoting: "a, b" and doubled "" inside quotes). */
export function splitCsv(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}
