import { z } from 'zod';
import { instantSchema, regionSchema } from './catalog';
import { idSchema } from './ids';
import { DEVICES } from './play';

/**
 * Merchandising rules: what operators write to shape pages without code. `block` keeps titles (or
 * genres) off every row, `pin` places titles at a position in rows, `boost` and `bury` multiply
 * scores before a row is ranked.
 */
export const RULE_ACTIONS = ['pin', 'boost', 'bury', 'block'] as const;
export type RuleAction = (typeof RULE_ACTIONS)[number];

/** Titles per row a page may ask for: a pin's position is at most this. */
export const MAX_ITEMS_PER_ROW = 50;

/** Row ids as pages carry them. */
export const ROW_ID_PATTERN =
  /^(continue-watching|top-picks|because-you-watched|trending-now|genre:[a-z0-9-]{1,40})$/;

const rowIdSchema = z.string({ error: 'must be a string' }).regex(ROW_ID_PATTERN, {
  error: 'must be a row id: continue-watching, top-picks, because-you-watched, trending-now or genre:<slug>',
});

const distinct = <T extends z.ZodType>(item: T, max: number) =>
  z
    .array(item)
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must hold at most ${max} entries` })
    .refine((values) => new Set(values).size === values.length, { error: 'must not repeat an entry' });

export const ruleSchema = z
  .object({
    action: z.enum(RULE_ACTIONS, { error: `must be one of ${RULE_ACTIONS.join(', ')}` }),
    items: distinct(idSchema, 100).optional().describe('title ids the rule applies to'),
    genres: distinct(z.string().min(1).max(40), 20)
      .optional()
      .describe('genres whose titles the rule applies to (block, boost, bury)'),
    rows: distinct(rowIdSchema, 20)
      .optional()
      .describe('rows a pin places its titles in; the first recommending row when absent'),
    position: z
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_ITEMS_PER_ROW, { error: `must be at most ${MAX_ITEMS_PER_ROW} (titles per row)` })
      .optional()
      .describe('1-based place of the first pinned title in the row (pin only)'),
    weight: z
      .number({ error: 'must be a number' })
      .positive({ error: 'must be greater than 0' })
      .max(1000, { error: 'must be at most 1000' })
      .optional()
      .describe('score multiplier: above 1 for boost, below 1 for bury'),
    devices: distinct(z.enum(DEVICES, { error: `must be one of ${DEVICES.join(', ')}` }), DEVICES.length)
      .optional()
      .describe('device types the rule applies to; all when absent'),
    regions: distinct(regionSchema, 250)
      .optional()
      .describe('ISO 3166-1 alpha-2 regions the rule applies to; all when absent'),
    startsAt: instantSchema.optional().describe('when the rule starts to apply; at once when absent'),
    endsAt: instantSchema.optional().describe('when the rule stops applying (exclusive); never when absent'),
    note: z.string({ error: 'must be a string' }).max(500).optional().describe('why, for other operators'),
  })
  .strict()
  .superRefine((rule, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!rule.items && !rule.genres) issue('items', 'a rule needs items or genres (or both)');
    if (rule.action === 'pin') {
      if (rule.position === undefined) issue('position', 'a pin needs a position (1-based)');
      if (!rule.items) issue('items', 'a pin places titles: name them in items');
      if (rule.genres) issue('genres', 'a pin places titles, not genres');
    } else {
      if (rule.position !== undefined) issue('position', 'only a pin has a position');
      if (rule.rows) issue('rows', 'only a pin names rows; the other actions apply to every row');
    }
    if (rule.action === 'boost' || rule.action === 'bury') {
      if (rule.weight === undefined) issue('weight', `a ${rule.action} needs a weight`);
      else if (rule.action === 'boost' && rule.weight <= 1)
        issue('weight', 'a boost multiplies by more than 1');
      else if (rule.action === 'bury' && rule.weight >= 1)
        issue('weight', 'a bury multiplies by less than 1');
    } else if (rule.weight !== undefined) issue('weight', 'only a boost or a bury has a weight');
    if (rule.startsAt && rule.endsAt && Date.parse(rule.endsAt) <= Date.parse(rule.startsAt))
      issue('endsAt', 'must be after startsAt');
  });

export type Rule = z.infer<typeof ruleSchema>;

/** A rule as stored and listed: its id, its version, who changed it last and when. */
export interface StoredRule {
  id: string;
  version: number;
  rule: Rule;
  actor: string;
  updatedAt: string;
}

/** One change of a rule, as the audit trail keeps it. */
export interface RuleChange {
  id: string;
  version: number;
  action: 'put' | 'delete';
  /** The rule as written (the deleted rule, for a delete). */
  rule: Rule | null;
  actor: string;
  at: string;
  previousVersion: number | null;
}

/** The announcement on `rules.updated`: which rule changed, and to which version. */
export interface RulesUpdate {
  id: string;
  version: number;
  at: number;
}

export const ruleIdSchema = idSchema;
