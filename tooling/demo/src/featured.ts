import type { Rule } from '@marquee/domain';
import { announceRulesUpdate } from '@marquee/kafka';
import { RulesRepository } from '@marquee/storage';
import type { Platform } from '@marquee/testkit';

/** The demo's merchandising rule: one title featured in Top picks. */
export const DEMO_FEATURED_RULE = 'demo-featured';

/**
 * Features `itemId` in every member's Top picks with a pin rule, written to the rules store and
 * announced as the API does; a rerun writes the same rule, which is no new version.
 */
export async function featureTitle(platform: Platform, itemId: string): Promise<void> {
  const rule: Rule = {
    action: 'pin',
    items: [itemId],
    rows: ['top-picks'],
    // Behind the member's own first picks: the demo's live play starts the first one.
    position: 3,
    note: 'the demo’s featured title',
  };
  const written = await new RulesRepository(platform.cassandra).put(DEMO_FEATURED_RULE, rule, 'marquee-demo');
  if (written.changed)
    await announceRulesUpdate(platform.producer, platform.topics, {
      id: DEMO_FEATURED_RULE,
      version: written.version,
    });
}
