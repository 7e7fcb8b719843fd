import type { Device } from '@marquee/domain';
import type { Logger } from '@marquee/observability';
import type { RuleSet } from '@marquee/storage';
import { RuleBook, type PageMerchandising } from './merchandising';

/**
 * Re-read period: the safety net behind `rules.updated`, so a change whose announcement was lost
 * still reaches this replica within the 5 s operators are promised. One small query per period.
 */
export const RULES_REFRESH_MS = 5000;

export interface ActiveRulesDeps {
  rules: { all(): Promise<RuleSet> };
  logger: Logger;
}

/**
 * The merchandising rules this replica applies, in memory: loaded at start, reloaded when a change is
 * announced and every few seconds. A failed read keeps the rules it has.
 */
export class ActiveRules {
  book: RuleBook = RuleBook.EMPTY;
  private timer: NodeJS.Timeout | undefined;
  private failing = false;

  constructor(
    private readonly deps: ActiveRulesDeps,
    private readonly refreshMs = RULES_REFRESH_MS,
  ) {}

  get version(): number {
    return this.book.version;
  }

  async start(): Promise<void> {
    await this.reload();
    this.timer = setInterval(() => void this.reload(), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Reads the rule set; true when it changed (a new version is in force). */
  async reload(): Promise<boolean> {
    try {
      const { rules, version } = await this.deps.rules.all();
      if (this.failing) this.deps.logger.info({ version }, 'merchandising rules read again');
      this.failing = false;
      if (version === this.book.version && rules.length === this.book.size) return false;
      this.book = new RuleBook(rules, version);
      return true;
    } catch (error) {
      if (!this.failing)
        this.deps.logger.warn(
          { error: (error as Error).message, version: this.book.version },
          'merchandising rules not read; applying the ones in memory and retrying',
        );
      this.failing = true;
      return false;
    }
  }

  forPage(device: Device, region: string | undefined, now: number): PageMerchandising {
    return this.book.forPage(device, region, now);
  }
}
