import { z } from 'zod';

/** Member and item ids: short opaque tokens, safe as Kafka keys, cache keys and CQL values. */
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

export const idSchema = z
  .string({ error: 'must be a string' })
  .regex(ID_PATTERN, { error: 'must be 1-64 characters of letters, digits, _ . : -' });

export type MemberId = string;
export type ItemId = string;
