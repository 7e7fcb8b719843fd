import { catalogItemSchema, type CatalogItem } from './catalog';
import { formatIssues } from './validation';

/**
 * Catalog files: JSON Lines (one title object a line) or CSV with a header row naming the columns
 * below. In CSV, lists (genres, regions) are separated by `|`; empty cells are absent fields.
 */
export const CSV_COLUMNS = [
  'itemId',
  'title',
  'genres',
  'year',
  'maturityRating',
  'regions',
  'start',
  'end',
  'artworkUrl',
] as const;

export type CatalogFormat = 'jsonl' | 'csv';

/** A parsed row: the title, or the issues naming its fields; `line` is where the row starts. */
export type CatalogRow = { line: number; item: CatalogItem } | { line: number; issues: string[] };

export function catalogFormatOf(file: string): CatalogFormat | null {
  if (/\.jsonl?$/i.test(file) || /\.ndjson$/i.test(file)) return 'jsonl';
  if (/\.csv$/i.test(file)) return 'csv';
  return null;
}

/**
 * Splits CSV text into records of fields (RFC 4180: quoted fields may hold commas, doubled quotes
 * and line breaks), each with the line it starts on.
 */
export function* csvRecords(text: string): Generator<{ line: number; fields: string[] }> {
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let pending = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      pending = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      pending = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      if (pending || field !== '') yield { line: start, fields: [...fields, field] };
      fields = [];
      field = '';
      pending = false;
      line++;
      start = line;
    } else {
      field += c;
      pending = true;
    }
  }
  if (pending || field !== '') yield { line: start, fields: [...fields, field] };
}

const list = (cell: string) =>
  cell
    .split('|')
    .map((s) => s.trim())
    .filter(Boolean);

/** A CSV record as the title object the schema validates (empty cells left out). */
function csvTitle(header: readonly string[], fields: readonly string[]): Record<string, unknown> {
  const cell = new Map(header.map((name, i) => [name, (fields[i] ?? '').trim()]));
  const get = (name: string) => cell.get(name) ?? '';
  const year = get('year');
  const availability = {
    ...(get('regions') ? { regions: list(get('regions')) } : {}),
    ...(get('start') ? { start: get('start') } : {}),
    ...(get('end') ? { end: get('end') } : {}),
  };
  return {
    itemId: get('itemId'),
    title: get('title'),
    genres: list(get('genres')),
    ...(year ? { year: /^-?\d+$/.test(year) ? Number(year) : year } : {}),
    ...(get('maturityRating') ? { maturityRating: get('maturityRating') } : {}),
    ...(Object.keys(availability).length > 0 ? { availability } : {}),
    ...(get('artworkUrl') ? { artworkUrl: get('artworkUrl') } : {}),
  };
}

function validate(line: number, value: unknown): CatalogRow {
  const result = catalogItemSchema.strict().safeParse(value);
  return result.success ? { line, item: result.data } : { line, issues: formatIssues(result.error) };
}

/** Parses a whole catalog file's text into rows, each valid or with its issues. */
export function parseCatalog(text: string, format: CatalogFormat): CatalogRow[] {
  const rows: CatalogRow[] = [];
  if (format === 'jsonl') {
    text.split(/\r?\n/).forEach((content, i) => {
      if (!content.trim()) return;
      let json: unknown;
      try {
        json = JSON.parse(content);
      } catch (error) {
        rows.push({ line: i + 1, issues: [`not JSON (${(error as Error).message})`] });
        return;
      }
      rows.push(validate(i + 1, json));
    });
    return rows;
  }
  const records = csvRecords(text);
  const first = records.next();
  if (first.done) return rows;
  const header = first.value.fields.map((h) => h.trim());
  const unknown = header.filter((h) => !(CSV_COLUMNS as readonly string[]).includes(h));
  const missing = ['itemId', 'title'].filter((h) => !header.includes(h));
  if (unknown.length > 0 || missing.length > 0) {
    rows.push({
      line: first.value.line,
      issues: [
        `header: ${[
          ...missing.map((h) => `missing column ${h}`),
          ...unknown.map((h) => `unknown column ${h}`),
        ].join(', ')}; the columns are ${CSV_COLUMNS.join(',')}`,
      ],
    });
    return rows;
  }
  for (const { line, fields } of records) {
    if (fields.length > header.length) {
      rows.push({ line, issues: [`${fields.length} fields but the header names ${header.length}`] });
      continue;
    }
    rows.push(validate(line, csvTitle(header, fields)));
  }
  return rows;
}

/** A title as a CSV row under CSV_COLUMNS (for tests and round trips). */
export function csvRow(item: CatalogItem): string {
  const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const a = item.availability;
  return [
    item.itemId,
    item.title,
    item.genres.join('|'),
    item.year?.toString() ?? '',
    item.maturityRating ?? '',
    a?.regions?.join('|') ?? '',
    a?.start ?? '',
    a?.end ?? '',
    item.artworkUrl ?? '',
  ]
    .map(quote)
    .join(',');
}
