import { z } from 'zod';
import {
  DEVICES,
  MATURITY_LEVELS,
  catalogItemSchema,
  idSchema,
  playSchema,
  profileSchema,
  regionSchema,
  ruleSchema,
} from '@marquee/domain';
import { ROLES } from '@marquee/auth';
import { isTimeZone } from '@marquee/pages';

/** Request schemas validate at the edge; response schemas document the answers (OpenAPI). */

export const MAX_PLAYS_PER_REQUEST = 500;

/** The shape of an IANA time zone name (Area/Location, Etc/GMT+5, UTC). */
export const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

export const memberPathSchema = z.object({ id: idSchema.describe('the member id') });
export const itemPathSchema = z.object({ id: idSchema.describe('the title (item) id') });

const whole = (min: number, max: number, fallback: number, what: string) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` })
    .default(fallback)
    .describe(what);

const requestRegion = regionSchema
  .optional()
  .describe(
    "ISO 3166-1 alpha-2 region of the member: titles not licensed there are left out (the profile's region, when set, takes its place)",
  );

export const rowsQuerySchema = z.object({
  device: z
    .enum(DEVICES, { error: `must be one of ${DEVICES.join(', ')}` })
    .default('web')
    .describe('the device type asking: rows are re-ranked for it'),
  rows: whole(1, 20, 10, 'rows on the page'),
  itemsPerRow: whole(1, 50, 20, 'titles per row'),
  tz: z
    .string()
    .max(64, { error: 'must be at most 64 characters' })
    .regex(TIME_ZONE_NAME, { error: 'must be an IANA time zone name, e.g. Europe/Berlin' })
    // Which names a runtime knows depends on its time-zone database, which no pattern can state:
    // a well-formed name it does not know is served in UTC, as the document says.
    .transform((tz) => (isTimeZone(tz) ? tz : undefined))
    .optional()
    .describe(
      "the member's IANA time zone, e.g. Europe/Berlin, for the time of day. Without it, or with a name " +
        "this server's time-zone database does not know, the page is made in UTC; the page's " +
        '`context.timeZone` names the zone used',
    ),
  region: requestRegion,
});

export type RowsQuery = z.output<typeof rowsQuerySchema>;

export const recommendationsQuerySchema = z.object({
  k: whole(1, 500, 20, 'titles to return'),
  region: requestRegion,
});
export const similarQuerySchema = z.object({
  k: whole(1, 100, 20, 'similar titles to return'),
  user: idSchema
    .optional()
    .describe(
      "the member the titles are for: titles above their profile's maturity or unlicensed in its region are left out. " +
        "A device token's own member is used without it; another member's is a 403",
    ),
  region: requestRegion,
});

/** A profile as PUT: the member's maturity level and optional home region. */
export const profileBodySchema = profileSchema;

export const playsBodySchema = z.union([
  playSchema,
  z.object({ plays: z.array(playSchema).min(1).max(MAX_PLAYS_PER_REQUEST) }).strict(),
]);

export const workflowsQuerySchema = z.object({
  type: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { error: 'must be a workflow type name, e.g. popularityPipeline' })
    .optional()
    .describe('workflow type, e.g. trainingPipeline or popularityPipeline'),
  limit: whole(1, 200, 20, 'runs to list, newest first'),
});

export const workflowPathSchema = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9_.:@+=-]{0,255}$/, {
      error: 'must be a workflow id (letters, digits, _ . : @ + = -)',
    })
    .describe('workflow id'),
});

export const modelsQuerySchema = z.object({
  limit: whole(1, 100, 10, 'versions per registration, newest first'),
});

export const MAX_TITLES_PER_REQUEST = 1000;

/** The path names the title; the body may repeat its id, which must then match. */
export const catalogItemBodySchema = catalogItemSchema.extend({ itemId: idSchema.optional() }).strict();
export const catalogBulkBodySchema = z
  .object({ items: z.array(catalogItemSchema.strict()).min(1).max(MAX_TITLES_PER_REQUEST) })
  .strict();
export const catalogListQuerySchema = z.object({
  limit: whole(1, 1000, 100, 'titles per page'),
  cursor: z
    .string()
    .regex(/^[0-9a-f]{1,1024}$/, { error: 'must be the `next` cursor of a previous page' })
    .optional()
    .describe('the `next` cursor of the previous page'),
});
export const catalogItemAnswerSchema = catalogItemSchema;
export const catalogPageSchema = z.object({
  items: z.array(catalogItemSchema),
  next: z.string().optional().describe('cursor of the following page; absent on the last'),
});
export const catalogWrittenSchema = z.object({ written: z.array(z.string()) });

export const rulePathSchema = z.object({ id: idSchema.describe('the rule id, e.g. spring-premiere') });

/**
 * The rule as the body: the document states in prose the rules between fields that no OpenAPI
 * keyword can (the zod schema checks them and names the field).
 */
export const ruleBodySchema = ruleSchema.describe(
  'A merchandising rule. Beyond the fields’ own schemas: a rule names items or genres (or both), and ' +
    'every title in items is in the catalog; a pin names items (not genres) and a position, and only a ' +
    'pin has a position or rows; a boost has a weight above 1, a bury one below 1, and only they have ' +
    'a weight; endsAt is after startsAt.',
);
const storedRuleSchema = z.object({
  id: z.string(),
  version: z.number().int().describe('the rule’s version: every put or delete counts one'),
  rule: ruleSchema,
  actor: z.string().describe('the subject of the token that wrote it'),
  updatedAt: z.string(),
});
export const ruleAnswerSchema = storedRuleSchema;
export const ruleWrittenSchema = storedRuleSchema.extend({
  changed: z.boolean().describe('false when the rule already held this body (no new version)'),
});
export const ruleListSchema = z.object({
  version: z.number().int().describe('the version of the whole rule set, as pages name it in `sources`'),
  rules: z.array(storedRuleSchema),
});
export const ruleHistorySchema = z.object({
  id: z.string(),
  changes: z.array(
    z.object({
      id: z.string(),
      version: z.number().int(),
      action: z.enum(['put', 'delete']),
      rule: ruleSchema.nullable(),
      actor: z.string(),
      at: z.string(),
      previousVersion: z.number().int().nullable(),
    }),
  ),
});
export const demoSessionSchema = z.object({ memberId: idSchema }).strict();

const rowItem = z.object({
  itemId: z.string(),
  title: z.string(),
  score: z.number(),
  reason: z.string().optional().describe('why this title is here, when not the row’s reason: featured'),
  rule: z.string().optional().describe('the merchandising rule that placed it'),
});

export const profileAnswerSchema = z.object({
  memberId: z.string(),
  maturity: z.enum(MATURITY_LEVELS),
  region: z.string().optional(),
  stored: z
    .boolean()
    .describe('false: the member has no profile and is an adult in the region each request names'),
  updatedAt: z.string().optional(),
});

const viewerSchema = z
  .object({
    maturity: z.enum(MATURITY_LEVELS),
    region: z.string().optional(),
    profile: z
      .enum(['stored', 'default', 'unread'])
      .describe("the member's profile, the default (no profile: adult), or unread (filtered as kids)"),
  })
  .describe('whom the titles were filtered for');

export const rowsPageSchema = z.object({
  memberId: z.string(),
  variant: z.object({
    experiment: z.string(),
    name: z.string().describe('a registration, or control'),
    list: z.string(),
    version: z.string().optional(),
  }),
  profile: viewerSchema,
  context: z.object({
    device: z.enum(DEVICES),
    timeZone: z.string(),
    localHour: z.number().int(),
    daypart: z.enum(['morning', 'afternoon', 'evening', 'night']),
    utcHour: z.number().int(),
    sessionPlays: z.number().int(),
    affinitiesVersion: z.string().nullable(),
  }),
  rows: z.array(
    z.object({
      id: z
        .string()
        .describe('continue-watching, top-picks, because-you-watched, trending-now, genre:<name>'),
      title: z.string(),
      reason: z.string(),
      source: z.string().describe('the store, signal, model or fallback that served the row'),
      list: z.string().optional(),
      version: z.string().optional(),
      basedOn: z.string().optional(),
      items: z.array(rowItem),
    }),
  ),
  sources: z.array(z.string()),
  degraded: z.boolean(),
  fallbacks: z.array(z.string()),
  servedAt: z.string(),
  elapsedMs: z.number(),
});

export const recommendationsSchema = z.object({
  memberId: z.string(),
  variant: rowsPageSchema.shape.variant,
  profile: viewerSchema,
  source: z.string(),
  degraded: z.boolean(),
  items: z.array(rowItem),
});

export const similarSchema = z.object({
  itemId: z.string(),
  title: z.string(),
  model: z.object({ registration: z.string(), version: z.string() }),
  profile: viewerSchema.optional().describe('whom the titles were filtered for, when they are for a member'),
  items: z.array(rowItem),
});

export const acceptedSchema = z.object({ accepted: z.array(z.string()) });

export const errorSchema = z.object({
  statusCode: z.number().int(),
  error: z.string().optional(),
  message: z.string(),
  issues: z.array(z.string()).optional(),
});

export const demoTokenSchema = z.object({
  memberId: z.string(),
  role: z.enum(ROLES),
  token: z.string(),
  expiresIn: z.string(),
});
