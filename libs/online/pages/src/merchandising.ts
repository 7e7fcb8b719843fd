import type { Device, Rule } from '@marquee/domain';

/** A rule in force under its id. */
export interface IdentifiedRule {
  id: string;
  rule: Rule;
}

/** A title a pin places in a row. */
export interface Pin {
  itemId: string;
  /** 1-based place in the row. */
  position: number;
  ruleId: string;
}

/**
 * What the rules in force do to the pages of one device and region at one moment. Shared by every
 * such page until a rule starts or ends, so its lookups are memoized per title.
 */
export class PageMerchandising {
  static readonly NONE = new PageMerchandising('', [], 0);

  /** Whether any rule applies: a page without rules pays nothing for them. */
  readonly empty: boolean;
  private readonly blockedItems = new Set<string>();
  private readonly blockedGenres = new Set<string>();
  private readonly itemWeights = new Map<string, number>();
  private readonly genreWeights = new Map<string, number>();
  private readonly pinsByRow = new Map<string, Pin[]>();
  private readonly firstRow: Pin[] = [];
  private readonly weights = new Map<string, number>();
  private readonly blocked = new Map<string, boolean>();

  /**
   * @param key names this view: it changes whenever the rules in force change, so rankings and
   *   pages kept for one set of rules are never served for another.
   */
  constructor(
    readonly key: string,
    rules: readonly IdentifiedRule[],
    /** The version of the rule set this view was made from. */
    readonly version: number,
  ) {
    this.empty = rules.length === 0;
    for (const { id, rule } of rules) {
      switch (rule.action) {
        case 'block':
          for (const itemId of rule.items ?? []) this.blockedItems.add(itemId);
          for (const genre of rule.genres ?? []) this.blockedGenres.add(genre);
          break;
        case 'boost':
        case 'bury': {
          const weight = rule.weight ?? 1;
          for (const itemId of rule.items ?? []) multiply(this.itemWeights, itemId, weight);
          for (const genre of rule.genres ?? []) multiply(this.genreWeights, genre, weight);
          break;
        }
        case 'pin': {
          const pins = (rule.items ?? []).map((itemId, i) => ({
            itemId,
            position: (rule.position ?? 1) + i,
            ruleId: id,
          }));
          if (!rule.rows) this.firstRow.push(...pins);
          else
            for (const row of rule.rows) {
              let inRow = this.pinsByRow.get(row);
              if (!inRow) this.pinsByRow.set(row, (inRow = []));
              inRow.push(...pins);
            }
          break;
        }
      }
    }
    const byPosition = (a: Pin, b: Pin) => a.position - b.position || a.ruleId.localeCompare(b.ruleId);
    this.firstRow.sort(byPosition);
    for (const pins of this.pinsByRow.values()) pins.sort(byPosition);
  }

  /** Whether a block keeps the title (or one of its genres) off the page. */
  blocks(itemId: string, genres: readonly string[]): boolean {
    if (this.empty) return false;
    let blocked = this.blocked.get(itemId);
    if (blocked === undefined) {
      blocked = this.blockedItems.has(itemId) || genres.some((genre) => this.blockedGenres.has(genre));
      this.blocked.set(itemId, blocked);
    }
    return blocked;
  }

  /** The product of the boosts and buries of the title and its genres (1 when none applies). */
  weight(itemId: string, genres: readonly string[]): number {
    if (this.empty) return 1;
    let weight = this.weights.get(itemId);
    if (weight === undefined) {
      weight = this.itemWeights.get(itemId) ?? 1;
      for (const genre of genres) weight *= this.genreWeights.get(genre) ?? 1;
      this.weights.set(itemId, weight);
    }
    return weight;
  }

  /** Pins of a row; `first` adds the pins that name no row (they go in the page's first recommending row). */
  pinsFor(rowId: string, first: boolean): readonly Pin[] {
    if (this.empty) return [];
    const named = this.pinsByRow.get(rowId) ?? [];
    return first && this.firstRow.length > 0
      ? [...this.firstRow, ...named].sort((a, b) => a.position - b.position)
      : named;
  }
}

function multiply(weights: Map<string, number>, key: string, weight: number): void {
  weights.set(key, (weights.get(key) ?? 1) * weight);
}

interface TimedRule extends IdentifiedRule {
  startsAt: number;
  endsAt: number;
}

/** A scope's view and the moments between which the same rules are in force. */
interface KeptView {
  view: PageMerchandising;
  from: number;
  until: number;
}

/**
 * The rule set as pages use it: indexed once per version of the set, with one view per device and
 * region kept until a rule's window opens or closes, so a page with a hundred rules makes a few
 * map lookups per title rather than a scan of the rules.
 */
export class RuleBook {
  static readonly EMPTY = new RuleBook([], 0);

  private readonly rules: TimedRule[];
  private readonly views = new Map<string, KeptView>();
  private made = 0;

  constructor(
    rules: readonly IdentifiedRule[],
    /** The version of the rule set (every change counts one). */
    readonly version: number,
  ) {
    this.rules = rules.map(({ id, rule }) => ({
      id,
      rule,
      startsAt: rule.startsAt ? Date.parse(rule.startsAt) : -Infinity,
      endsAt: rule.endsAt ? Date.parse(rule.endsAt) : Infinity,
    }));
  }

  get size(): number {
    return this.rules.length;
  }

  /** What the rules in force do to a page of `device` in `region` (none named: rules for every region only). */
  forPage(device: Device, region: string | undefined, now: number): PageMerchandising {
    if (this.rules.length === 0) return PageMerchandising.NONE;
    const scope = `${device}|${region ?? ''}`;
    const kept = this.views.get(scope);
    if (kept && now >= kept.from && now < kept.until) return kept.view;
    const inScope = this.rules.filter(
      ({ rule }) =>
        (!rule.devices || rule.devices.includes(device)) &&
        (!rule.regions || (region !== undefined && rule.regions.includes(region))),
    );
    let from = -Infinity;
    let until = Infinity;
    const active: IdentifiedRule[] = [];
    for (const rule of inScope) {
      for (const boundary of [rule.startsAt, rule.endsAt]) {
        if (boundary <= now) from = Math.max(from, boundary);
        else until = Math.min(until, boundary);
      }
      if (now >= rule.startsAt && now < rule.endsAt) active.push(rule);
    }
    const view =
      active.length === 0
        ? PageMerchandising.NONE
        : new PageMerchandising(`rules:v${this.version}.${++this.made}`, active, this.version);
    this.views.set(scope, { view, from, until });
    return view;
  }
}
