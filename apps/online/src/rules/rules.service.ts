import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { ValidationError, type Rule } from '@marquee/domain';
import { announceRulesUpdate, type Topics } from '@marquee/kafka';
import { errorContext, type Logger } from '@marquee/observability';
import { ActiveRules, ReferenceData, RowsService } from '@marquee/pages';
import { CatalogRepository, RulesRepository } from '@marquee/storage';
import { LOGGER, PRODUCER, TOPICS } from '../tokens';

/**
 * The operators' merchandising rules: validated against the catalog, written to Cassandra as a new
 * version with its audit row, applied on this replica at once and announced on `rules.updated` so
 * every other replica reloads them.
 */
@Injectable()
export class RulesService {
  constructor(
    private readonly rules: RulesRepository,
    private readonly active: ActiveRules,
    private readonly rows: RowsService,
    private readonly reference: ReferenceData,
    private readonly catalog: CatalogRepository,
    @Inject(PRODUCER) private readonly producer: Producer,
    @Inject(TOPICS) private readonly topics: Topics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async put(id: string, rule: Rule, actor: string) {
    await this.checkTitles(rule);
    const written = await this.rules.put(id, rule, actor);
    if (written.changed) await this.announce(id, written.version);
    const stored = await this.rules.get(id);
    if (!stored) throw new NotFoundException(`rule ${id} was deleted while it was written; put it again`);
    return { ...stored, changed: written.changed };
  }

  async list() {
    const { rules, version } = await this.rules.all();
    return { version, rules };
  }

  async get(id: string) {
    const stored = await this.rules.get(id);
    if (!stored) throw new NotFoundException(`there is no rule ${id}`);
    return stored;
  }

  async remove(id: string, actor: string): Promise<void> {
    const written = await this.rules.delete(id, actor);
    if (!written) throw new NotFoundException(`there is no rule ${id}`);
    if (written.changed) await this.announce(id, written.version);
  }

  async history(id: string) {
    const changes = await this.rules.history(id);
    if (changes.length === 0) throw new NotFoundException(`rule ${id} was never written`);
    return { id, changes };
  }

  /** Every title a rule names must be in the catalog: a typo would otherwise do nothing, silently. */
  private async checkTitles(rule: Rule): Promise<void> {
    const items = rule.items ?? [];
    const inMemory = this.reference.catalog;
    const missing = items.filter((itemId) => !inMemory.has(itemId));
    // Titles added a moment ago on another replica may not be in this one's memory yet.
    const stored = missing.length > 0 ? await this.catalog.getMany(missing) : new Map<string, unknown>();
    const issues = items.flatMap((itemId, i) =>
      inMemory.has(itemId) || stored.has(itemId) ? [] : [`items[${i}]: unknown title ${itemId}`],
    );
    if (issues.length > 0) throw new ValidationError(issues, 'body');
  }

  /**
   * This replica applies the change at once; the others on the announcement, or on their next re-read
   * when it cannot be sent (the write stands either way).
   */
  private async announce(id: string, version: number): Promise<void> {
    if (await this.active.reload()) this.rows.invalidateAll();
    try {
      await announceRulesUpdate(this.producer, this.topics, { id, version });
    } catch (error) {
      this.logger.warn(
        { ...errorContext(error), rule: id },
        'rules.updated not sent; other replicas follow on their next re-read of the rules',
      );
    }
  }
}
