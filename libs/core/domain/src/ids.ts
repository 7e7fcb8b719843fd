import { z } from 'zod';

/** The longest member or item id. */
export const ID_MAX_LENGTH = 64;

/** Member and item ids: short opaque tokens, safe as Kafka keys, cache keys and CQL values. */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_.:-]{0,${ID_MAX_LENGTH - 1}}$`);

export const idSchema = z
  .string({ error: 'must be a string' })
  .regex(ID_PATTERN, { error: `must be 1-${ID_MAX_LENGTH} characters of letters, digits, _ . : -` })
  // The pattern bounds the length; stated again for the API document's readers and generators.
  .meta({ minLength: 1, maxLength: ID_MAX_LENGTH });

export type MemberId = string;
export type ItemId = string;
