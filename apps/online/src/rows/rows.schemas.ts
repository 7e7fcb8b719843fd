import type { z } from 'zod';
import type { rowsQuerySchema } from '../common/schemas';

export type RowsQuery = z.output<typeof rowsQuerySchema>;
