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
    .refine((values) => new Set(values).size === values.length, { error: 'must not repeat an entry' })
    // The refinement, stated for the API document's readers and generators.
    .meta({ uniqueItems: true });

/** A rule's fields, every action's together; `ruleSchema` says which action takes which. */
export interface Rule {
  action: RuleAction;
  items?: string[];
  genres?: string[];
  rows?: string[];
  position?: number;
  weight?: number;
  devices?: Array<(typeof DEVICES)[number]>;
  regions?: string[];
  startsAt?: string;
  endsAt?: string;
  note?: string;
}

const items = distinct(idSchema, 100).describe('title ids the rule applies to');
const genres = distinct(z.string().min(1).max(40), 20).describe('genres whose titles the rule applies to');
/** What every action takes: where and when it applies, and why. */
const scope = {
  devices: distinct(z.enum(DEVICES, { error: `must be one of ${DEVICES.join(', ')}` }), DEVICES.length)
    .optional()
    .describe('device types the rule applies to; all when absent'),
  regions: distinct(regionSchema, 250)
    .optional()
    .describe('ISO 3166-1 alpha-2 regions the rule applies to; all when absent'),
  startsAt: instantSchema.optional().describe('when the rule starts to apply; at once when absent'),
  endsAt: instantSchema.optional().describe('when the rule stops applying (exclusive); never when absent'),
  note: z.string({ error: 'must be a string' }).max(500).optional().describe('why, for other operators'),
};
/** A required number whose absence is named for the action that needs it. */
const needed = (what: string) =>
  z.number({ error: (issue) => (issue.input === undefined ? what : 'must be a number') });

const pinRule = z
  .object({
    action: z.literal('pin'),
    items: items.describe('titles to place, in this order from `position` on'),
    rows: distinct(rowIdSchema, 20)
      .optional()
      .describe('rows to place them in; the first row that recommends (not Continue watching) when absent'),
    position: needed('a pin needs a position (1-based)')
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be at least 1' })
      .max(MAX_ITEMS_PER_ROW, { error: `must be at most ${MAX_ITEMS_PER_ROW} (titles per row)` })
      .describe('1-based place of the first pinned title in the row'),
    ...scope,
  })
  .strict();
const weighted = <A extends 'boost' | 'bury'>(action: A, weight: z.ZodNumber) =>
  z
    .object({
      action: z.literal(action),
      items: items.optional(),
      genres: genres.optional(),
      weight,
      ...scope,
    })
    .strict();
const boostRule = weighted(
  'boost',
  needed('a boost needs a weight')
    .gt(1, { error: 'a boost multiplies by more than 1' })
    .max(1000, { error: 'must be at most 1000' })
    .describe('score multiplier, above 1'),
);
const buryRule = weighted(
  'bury',
  needed('a bury needs a weight')
    .gt(0, { error: 'must be greater than 0' })
    .lt(1, { error: 'a bury multiplies by less than 1' })
    .describe('score multiplier, between 0 and 1'),
);
const blockRule = z
  .object({ action: z.literal('block'), items: items.optional(), genres: genres.optional(), ...scope })
  .strict();

/**
 * One schema per action, told apart by `action`, so the API document states which fields each
 * takes; the rules between fields that no schema keyword states are refinements naming the field.
 */
export const ruleSchema: z.ZodType<Rule> = z
  .discriminatedUnion('action', [pinRule, boostRule, buryRule, blockRule], {
    error: `must be one of ${RULE_ACTIONS.join(', ')}`,
  })
  .superRefine((rule, ctx) => {
    if (!rule.items && !('genres' in rule && rule.genres))
      ctx.addIssue({ code: 'custom', path: ['items'], message: 'a rule needs items or genres (or both)' });
    if (rule.startsAt && rule.endsAt && Date.parse(rule.endsAt) <= Date.parse(rule.startsAt))
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must be after startsAt' });
  });

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
