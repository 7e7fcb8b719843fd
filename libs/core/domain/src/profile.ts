import { z } from 'zod';
import { regionSchema, type MaturityRating } from './catalog';

/** A member profile's maturity levels, most protected first. */
export const MATURITY_LEVELS = ['kids', 'teen', 'adult'] as const;
export type Maturity = (typeof MATURITY_LEVELS)[number];

/**
 * The lowest profile level that may see a title of each rating: kids see G and PG, teen up to PG-13,
 * adult everything. An unrated title is adult-only: nobody vouched that it suits kids or teens.
 */
const SEEN_FROM: Record<MaturityRating, Maturity> = {
  G: 'kids',
  PG: 'kids',
  'PG-13': 'teen',
  R: 'adult',
  'NC-17': 'adult',
};

/** Position of a level on the scale, for comparisons: kids 0, teen 1, adult 2. */
export const maturityRank = (maturity: Maturity): number => MATURITY_LEVELS.indexOf(maturity);

/** The lowest profile level that may see a title rated `rating` (unrated: adult). */
export function lowestMaturityFor(rating: MaturityRating | undefined): Maturity {
  return rating === undefined ? 'adult' : SEEN_FROM[rating];
}

/** Whether a profile of level `maturity` may see a title rated `rating`. */
export function maySee(maturity: Maturity, rating: MaturityRating | undefined): boolean {
  return maturityRank(lowestMaturityFor(rating)) <= maturityRank(maturity);
}

/** What a member or operator sets: the member's maturity level and, optionally, their home region. */
export const profileSchema = z
  .object({
    maturity: z
      .enum(MATURITY_LEVELS, { error: `must be one of ${MATURITY_LEVELS.join(', ')}` })
      .describe(
        'kids: G and PG titles only; teen: up to PG-13; adult: every title. Unrated titles are adult',
      ),
    region: regionSchema
      .optional()
      .describe(
        "ISO 3166-1 alpha-2 home region: titles not licensed there are left out (it takes the place of the request's region)",
      ),
  })
  .strict();

export type Profile = z.infer<typeof profileSchema>;

/** A profile as stored: when and by whom it was last written. */
export interface StoredProfile extends Profile {
  updatedAt: string;
  updatedBy?: string;
}

/** A member without a stored profile is an adult, in the region their request names. */
export const DEFAULT_PROFILE: Profile = { maturity: 'adult' };
