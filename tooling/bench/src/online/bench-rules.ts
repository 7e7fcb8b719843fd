import type { MarqueeConfig } from '@marquee/config';
import { DEVICES, type Rule } from '@marquee/domain';
import { announceRulesUpdate, connectProducer } from '@marquee/kafka';
import { createLogger } from '@marquee/observability';
import { CatalogRepository, RulesRepository, connectCassandra } from '@marquee/storage';

/** Rule ids of the benchmark: written before the measurement with rules, deleted after it. */
const ruleId = (i: number) => `bench-rule-${i + 1}`;

/**
 * `count` active rules over the catalog's titles, a mix of what operators write: buries and boosts
 * of titles and genres, blocks, pins in Top picks and genre rows, some per device, all ending within
 * the hour.
 */
export function benchRules(
  count: number,
  titles: readonly string[],
  genres: readonly string[],
  now = Date.now(),
): Rule[] {
  const endsAt = new Date(now + 3600_000).toISOString();
  const title = (i: number) => titles[(i * 7919) % titles.length] as string;
  const genre = (i: number) => genres[i % genres.length] as string;
  return Array.from({ length: count }, (_, i): Rule => {
    const scope = i % 4 === 0 ? { devices: [DEVICES[i % DEVICES.length] as (typeof DEVICES)[number]] } : {};
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
        return { action: 'bury', items: [title(i), title(i + 1)], weight: 0.5, endsAt, ...scope };
      case 3:
      case 4:
        return { action: 'boost', items: [title(i)], weight: 1.5, endsAt, ...scope };
      case 5:
        return { action: 'boost', genres: [genre(i)], weight: 1.2, endsAt, ...scope };
      case 6:
        return { action: 'bury', genres: [genre(i)], weight: 0.9, endsAt, ...scope };
      case 7:
        return { action: 'block', items: [title(i)], endsAt, ...scope };
      case 8:
        return {
          action: 'pin',
          items: [title(i)],
          rows: ['top-picks'],
          position: 1 + (i % 3),
          endsAt,
          ...scope,
        };
      default:
        return {
          action: 'pin',
          items: [title(i)],
          rows: [
            `genre:${genre(i)
              .toLowerCase()
              .replace(/[^a-z0-9]+/g, '-')}`,
          ],
          position: 2,
          endsAt,
          ...scope,
        };
    }
  });
}

export interface LoadedRules {
  /** The version of the rule set once they are written, as pages name it (`rules:v<version>`). */
  version: number;
  remove(): Promise<void>;
}

/**
 * Writes `count` rules to the store of the running service and announces them on `rules.updated`
 * (as the API does); `remove` deletes them and announces that.
 */
export async function loadBenchRules(config: MarqueeConfig, count: number): Promise<LoadedRules> {
  const logger = createLogger('bench', 'warn', true);
  const cassandra = await connectCassandra(config, logger);
  const { producer, topics } = await connectProducer(config, logger);
  const rules = new RulesRepository(cassandra);
  const close = async () => {
    await producer.disconnect();
    await cassandra.shutdown();
  };
  try {
    const catalog = (await new CatalogRepository(cassandra).all()).filter((item) => !item.removedAt);
    if (catalog.length === 0)
      throw new Error('the catalog is empty: load the demo (marquee demo) or a catalog first');
    const genres = [...new Set(catalog.flatMap((item) => item.genres))].sort();
    const written = benchRules(
      count,
      catalog.map((item) => item.itemId),
      genres.length > 0 ? genres : ['Drama'],
    );
    for (let i = 0; i < written.length; i += 16)
      await Promise.all(
        written.slice(i, i + 16).map((rule, j) => rules.put(ruleId(i + j), rule, 'marquee-bench')),
      );
    const { version } = await rules.all();
    await announceRulesUpdate(producer, topics, { id: ruleId(0), version });
    return {
      version,
      remove: async () => {
        try {
          for (let i = 0; i < count; i += 16)
            await Promise.all(
              Array.from({ length: Math.min(16, count - i) }, (_, j) =>
                rules.delete(ruleId(i + j), 'marquee-bench'),
              ),
            );
          await announceRulesUpdate(producer, topics, {
            id: ruleId(0),
            version: (await rules.all()).version,
          });
        } finally {
          await close();
        }
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
}
