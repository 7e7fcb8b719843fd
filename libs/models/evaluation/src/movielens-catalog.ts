import { existsSync } from 'node:fs';
import path from 'node:path';
import { splitCsv, type CatalogItem } from '@marquee/domain';
import { lineError, readLines } from './lines';
import type { MovieLensFormat } from './ratings';

/** ml-100k's u.genre, for when the file is missing: the genre flags of u.item in column order. */
const ML100K_GENRES = [
  'unknown',
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
];
const WHAT = 'MovieLens titles';

/**
 * Titles, genres and years from u.item (ml-100k, `|`-separated, 19 genre flags), movies.dat (ml-1m,
 * `id::title::Genre|Genre`) or movies.csv (ml-latest, quoted CSV). The older two are Latin-1.
 */
export async function loadMovieLensCatalog(file: string, format: MovieLensFormat): Promise<CatalogItem[]> {
  const genreNames = format === 'ml-100k' ? await ml100kGenres(path.dirname(file)) : [];
  const catalog: CatalogItem[] = [];
  const encoding = format === 'ml-latest' ? 'utf8' : 'latin1';
  for await (const { line, number } of readLines(file, encoding)) {
    if (line.trim() === '' || (format === 'ml-latest' && number === 1)) continue;
    const parsed = parseTitle(line, format, genreNames);
    if (typeof parsed === 'string') throw lineError(WHAT, file, number, parsed, line);
    catalog.push(parsed);
  }
  return catalog;
}

function parseTitle(line: string, format: MovieLensFormat, genreNames: string[]): CatalogItem | string {
  let itemId: string;
  let title: string;
  let genres: string[];
  if (format === 'ml-100k') {
    const fields = line.split('|');
    if (fields.length !== 5 + genreNames.length)
      return `expected ${5 + genreNames.length} |-separated fields (id|title|release|video release|url|genre flags), found ${fields.length}`;
    [itemId, title] = fields as [string, string];
    genres = genreNames.filter((_, g) => fields[5 + g] === '1');
  } else {
    const fields = format === 'ml-1m' ? line.split('::') : splitCsv(line);
    if (fields.length !== 3) return `expected 3 fields (id, title, genres), found ${fields.length}`;
    [itemId, title] = fields as [string, string];
    const listed = fields[2] as string;
    genres = listed === '(no genres listed)' || listed === '' ? [] : listed.split('|');
  }
  if (!/^\d+$/.test(itemId)) return `item id ${JSON.stringify(itemId)} is not a positive integer`;
  const year = /\((\d{4})\)\s*$/.exec(title)?.[1];
  return { itemId, title: title.trim(), genres, ...(year ? { year: Number(year) } : {}) };
}

async function ml100kGenres(dir: string): Promise<string[]> {
  const file = path.join(dir, 'u.genre');
  if (!existsSync(file)) return ML100K_GENRES;
  const names: string[] = [];
  for await (const { line } of readLines(file, 'latin1')) {
    const [name, index] = line.split('|');
    if (name && index !== undefined && /^\d+$/.test(index.trim())) names[Number(index)] = name;
  }
  // A u.genre with gaps cannot name u.item's flag columns; fall back to the published list.
  return names.length > 0 && Array.from(names).every((name) => name !== undefined) ? names : ML100K_GENRES;
}
