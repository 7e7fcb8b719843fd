import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '@marquee/domain';
import { loadMovieLensCatalog } from './movielens-catalog';
import { lineError, readLines } from './lines';
import { RatingsBuilder, type MovieLensFormat, type RatingsDataset } from './ratings';

/** The ratings file each format ships, and how its lines look; also what errors tell the user. */
const FORMATS: Record<MovieLensFormat, { file: string; catalog: string; shape: string }> = {
  'ml-100k': { file: 'u.data', catalog: 'u.item', shape: 'tab-separated user item rating timestamp' },
  'ml-1m': { file: 'ratings.dat', catalog: 'movies.dat', shape: 'user::item::rating::timestamp' },
  'ml-latest': {
    file: 'ratings.csv',
    catalog: 'movies.csv',
    shape: 'CSV with the header userId,movieId,rating,timestamp',
  },
};
const CSV_HEADER = 'userId,movieId,rating,timestamp';
const EXPECTED = (Object.keys(FORMATS) as MovieLensFormat[])
  .map((format) => `${FORMATS[format].file} (${format}: ${FORMATS[format].shape})`)
  .join(', ');
const WHAT = 'MovieLens ratings';

export interface DetectedMovieLens {
  format: MovieLensFormat;
  ratingsFile: string;
  /** u.item / movies.dat / movies.csv beside the ratings, when present. */
  catalogFile?: string;
}

/**
 * Finds the ratings under `location` (a MovieLens directory or a ratings file) and tells the format
 * from the file's first line, whatever the file is called.
 */
export async function detectMovieLens(location: string): Promise<DetectedMovieLens> {
  const info = await stat(location).catch(() => undefined);
  if (!info)
    throw new Error(
      `no MovieLens data at ${location}: give a directory holding ${EXPECTED}, or one of those files`,
    );
  let ratingsFile = location;
  if (info.isDirectory()) {
    const found = Object.values(FORMATS)
      .map(({ file }) => path.join(location, file))
      .find((file) => existsSync(file));
    if (!found) throw new Error(`${location} holds no MovieLens ratings: expected ${EXPECTED}`);
    ratingsFile = found;
  }
  const format = await sniffFormat(ratingsFile);
  const catalogFile = path.join(path.dirname(ratingsFile), FORMATS[format].catalog);
  return { format, ratingsFile, ...(existsSync(catalogFile) ? { catalogFile } : {}) };
}

async function sniffFormat(file: string): Promise<MovieLensFormat> {
  for await (const { line, number } of readLines(file)) {
    if (line.trim() === '') continue;
    if (line.trim() === CSV_HEADER) return 'ml-latest';
    if (line.includes('::')) return 'ml-1m';
    if (line.includes('\t')) return 'ml-100k';
    throw lineError(WHAT, file, number, `not a MovieLens ratings file; expected ${EXPECTED}`, line);
  }
  throw new ValidationError([`${file}: the file is empty; expected ${EXPECTED}`], WHAT);
}

export interface LoadMovieLensOptions {
  /** What reports call the dataset; defaults to the directory's name ("ml-100k", "ml-latest-small"). */
  name?: string;
  /** Also read titles and genres when the catalog file is present (default true). */
  catalog?: boolean;
}

/**
 * Loads MovieLens ratings (ml-100k `u.data`, ml-1m `ratings.dat` or ml-latest `ratings.csv`, from
 * the directory or the file itself) line by line, in file order. A corrupt line stops the load with
 * a ValidationError naming file:line and what is wrong.
 */
export async function loadMovieLens(
  location: string,
  options: LoadMovieLensOptions = {},
): Promise<RatingsDataset> {
  const detected = await detectMovieLens(location);
  const { format, ratingsFile } = detected;
  const builder = new RatingsBuilder();
  const parse = PARSERS[format];
  for await (const { line, number } of readLines(ratingsFile)) {
    if (line.trim() === '') continue;
    if (format === 'ml-latest' && number === 1) {
      if (line.trim() !== CSV_HEADER)
        throw lineError(WHAT, ratingsFile, number, `expected the header ${CSV_HEADER}`, line);
      continue;
    }
    const fields = parse(line);
    const problem = checkFields(fields, format);
    if (problem) throw lineError(WHAT, ratingsFile, number, problem, line);
    const [user, item, rating, timestamp] = fields as [string, string, string, string];
    builder.add(user, item, Number(rating), Number(timestamp) * 1000);
  }
  if (builder.length === 0)
    throw new ValidationError([`${ratingsFile}: holds no ratings; expected ${FORMATS[format].shape}`], WHAT);
  const catalog =
    options.catalog !== false && detected.catalogFile
      ? await loadMovieLensCatalog(detected.catalogFile, format)
      : undefined;
  return builder.build({
    name: options.name ?? path.basename(path.dirname(path.resolve(ratingsFile))),
    format,
    source: ratingsFile,
    ...(catalog ? { catalog } : {}),
  });
}

const PARSERS: Record<MovieLensFormat, (line: string) => string[]> = {
  'ml-100k': (line) => line.trim().split('\t'),
  'ml-1m': (line) => line.trim().split('::'),
  'ml-latest': (line) => line.trim().split(','),
};

const ID = /^\d+$/;

/** What is wrong with one line's fields, or undefined when it is a valid rating. */
function checkFields(fields: string[], format: MovieLensFormat): string | undefined {
  if (fields.length !== 4) return `expected 4 fields (${FORMATS[format].shape}), found ${fields.length}`;
  const [user, item, rating, timestamp] = fields as [string, string, string, string];
  if (!ID.test(user)) return `user id ${JSON.stringify(user)} is not a positive integer`;
  if (!ID.test(item)) return `item id ${JSON.stringify(item)} is not a positive integer`;
  const value = Number(rating);
  if (rating.trim() === '' || !(value >= 0.5 && value <= 5))
    return `rating ${JSON.stringify(rating)} is not a number between 0.5 and 5`;
  if (!ID.test(timestamp)) return `timestamp ${JSON.stringify(timestamp)} is not whole seconds since 1970`;
  return undefined;
}
