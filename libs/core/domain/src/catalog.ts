import { z } from 'zod';
import { idSchema } from './ids';

/**
 * Maturity ratings on the MPA scale, least to most restricted. One scale for the whole catalog, so
 * a profile's limit compares by position.
 */
export const MATURITY_RATINGS = ['G', 'PG', 'PG-13', 'R', 'NC-17'] as const;
export type MaturityRating = (typeof MATURITY_RATINGS)[number];

/** ISO 3166-1 alpha-2 region codes, upper case: `US`, `DE`, `BR`. */
export const REGION_PATTERN = /^[A-Z]{2}$/;

/** An ISO 8601 date (`2026-12-01`) or date-time with a zone (`2026-12-01T00:00:00Z`). */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

export const instantSchema = z
  .string({ error: 'must be an ISO 8601 date or date-time, e.g. 2026-12-01 or 2026-12-01T00:00:00Z' })
  .regex(ISO_INSTANT, { error: 'must be an ISO 8601 date or date-time, e.g. 2026-12-01T00:00:00Z' })
  .refine((value) => !Number.isNaN(Date.parse(value)), { error: 'is not a real date' });

export const regionSchema = z
  .string({ error: 'must be a string' })
  .regex(REGION_PATTERN, { error: 'must be an ISO 3166-1 alpha-2 code in upper case, e.g. US' });

/**
 * Where and when a title may be shown. No regions: everywhere; no start: since always; no end:
 * until further notice. `end` is exclusive.
 */
export const availabilitySchema = z
  .object({
    regions: z.array(regionSchema).max(250).optional(),
    start: instantSchema.optional(),
    end: instantSchema.optional(),
  })
  .strict()
  .refine((a) => !a.start || !a.end || Date.parse(a.start) < Date.parse(a.end), {
    error: 'must be after start',
    path: ['end'],
  });

export type Availability = z.infer<typeof availabilitySchema>;

export const catalogItemSchema = z.object({
  itemId: idSchema,
  title: z.string({ error: 'must be a string' }).min(1, { error: 'must not be empty' }).max(300),
  genres: z.array(z.string().min(1).max(40)).max(20),
  year: z.number({ error: 'must be a number' }).int().min(1870).max(2100).optional(),
  maturityRating: z
    .enum(MATURITY_RATINGS, { error: `must be one of ${MATURITY_RATINGS.join(', ')}` })
    .optional(),
  availability: availabilitySchema.optional(),
  artworkUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2000)
    .optional(),
});

export type CatalogItem = z.infer<typeof catalogItemSchema>;

/** A title as stored: removed titles are kept (plays of them are history) but never shown. */
export type StoredCatalogItem = CatalogItem & { removedAt?: string };

/**
 * Whether a title may be shown at `at`: not removed, inside its availability window, and (when the
 * request names a region) licensed there. A title without availability is always available.
 */
export function isAvailable(
  item: Pick<StoredCatalogItem, 'availability' | 'removedAt'>,
  at: Date | number,
  region?: string,
): boolean {
  if (item.removedAt !== undefined) return false;
  const availability = item.availability;
  if (!availability) return true;
  const now = typeof at === 'number' ? at : at.getTime();
  if (availability.start !== undefined && now < Date.parse(availability.start)) return false;
  if (availability.end !== undefined && now >= Date.parse(availability.end)) return false;
  if (region !== undefined && availability.regions !== undefined && availability.regions.length > 0)
    return availability.regions.includes(region.toUpperCase());
  return true;
}

/** The announcement on `catalog.updated`: titles that were added, changed or removed. */
export interface CatalogUpdate {
  items: string[];
  at: number;
}
