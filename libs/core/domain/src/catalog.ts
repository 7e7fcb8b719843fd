import { z } from 'zod';
import { idSchema } from './ids';

export const catalogItemSchema = z.object({
  itemId: idSchema,
  title: z.string().min(1).max(300),
  genres: z.array(z.string().min(1).max(40)).max(20),
  year: z.number().int().min(1870).max(2100).optional(),
});

export type CatalogItem = z.infer<typeof catalogItemSchema>;
