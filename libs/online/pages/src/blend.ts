import type { AffinityTable } from '@marquee/algorithms';
import type { CatalogItem, Row, RowItem, ScoredList } from '@marquee/domain';
import { contextWords, type PageContext } from './context';
import type { PageMerchandising, Pin } from './merchandising';
import { Ranker } from './ranker';
import { contextBoost, contextLifts } from './rerank';

/** A row of the page; `list` names the precomputed list it came from, `basedOn` the title a row is about. */
export interface PageRow extends Row {
  list?: string;
  basedOn?: string;
}

export interface Scored {
  itemId: string;
  score: number;
}

export interface CandidateList {
  list: ScoredList;
  /** Which store or fallback served it: memcached, cassandra, memory:popular, fallback:last-page… */
  source: string;
  name?: string;
  version?: string;
  /** Already ranked for this member and context (a row of the last served page): keep its order. */
  ranked?: boolean;
}

export interface BlendInput {
  context: PageContext;
  rows: number;
  itemsPerRow: number;
  /** Titles in progress, newest first, scored by how far the member got. */
  continueWatching: { items: readonly Scored[]; source: string } | null;
  /** Titles the member played (finished or not): never recommended again on this page. */
  watched: ReadonlySet<string>;
  /** The variant's personal list, or the popular list re-ranked to the member's taste (`personal: false`). */
  topPicks: (CandidateList & { personal: boolean }) | null;
  becauseYouWatched: (CandidateList & { sourceItemId: string }) | null;
  trending: CandidateList | null;
  catalog: ReadonlyMap<string, CatalogItem>;
  /** Titles of each genre, most popular first. */
  titlesByGenre: ReadonlyMap<string, readonly string[]>;
  affinities: AffinityTable;
  /** Genre → share of the member's recent plays. */
  taste: ReadonlyMap<string, number>;
  /**
   * Whether a title may be shown on this page (available now, in the request's region, not
   * removed); a title it refuses is left out of every row, Continue watching included.
   */
  shown?: (itemId: string) => boolean;
  /** The operators' rules in force for this page: blocks, boosts and buries, pins. */
  merchandising?: PageMerchandising;
}

/** A row that may go on the page: its header, and its candidates ranked only if it does. */
interface RowSpec {
  row: Omit<PageRow, 'items'>;
  candidates: () => readonly Scored[];
  /** Whether any candidate could be shown (a cheap check made before ranking). */
  viable: boolean;
  keepWatched?: boolean;
}

function continueWatchingSpec(input: BlendInput): RowSpec | null {
  const resume = input.continueWatching;
  if (!resume) return null;
  return {
    row: {
      id: 'continue-watching',
      title: 'Continue watching',
      reason: 'titles you started and have not finished',
      source: resume.source,
    },
    candidates: () => resume.items,
    viable: resume.items.length > 0,
    keepWatched: true,
  };
}

function topPicksSpec(input: BlendInput, ranker: Ranker): RowSpec | null {
  const picks = input.topPicks;
  if (!picks) return null;
  const tasteKnown = !picks.personal && input.taste.size > 0;
  return {
    row: {
      id: 'top-picks',
      title: 'Top picks for you',
      reason: picks.personal
        ? 'picked for you from what you watch'
        : tasteKnown
          ? 'popular with members, leaning to the genres you watch'
          : 'popular with members',
      source: picks.source,
      ...(picks.name ? { list: picks.name } : {}),
      ...(picks.version ? { version: picks.version } : {}),
    },
    // The control group's popular list is ranked once per context, then leaned to the member's taste.
    candidates: () => (picks.personal ? ranker.rerank(picks) : ranker.withTaste(ranker.shared(picks))),
    viable: ranker.viable(picks.list.itemIds),
  };
}

function becauseYouWatchedSpec(input: BlendInput, ranker: Ranker): RowSpec | null {
  const byw = input.becauseYouWatched;
  if (!byw) return null;
  const title = ranker.titleOf(byw.sourceItemId);
  return {
    row: {
      id: 'because-you-watched',
      title: `Because you watched ${title}`,
      reason: `because you watched ${title}`,
      source: byw.source,
      basedOn: byw.sourceItemId,
      ...(byw.version ? { version: byw.version } : {}),
    },
    candidates: () => ranker.rerank(byw),
    viable: ranker.viable(byw.list.itemIds),
  };
}

function trendingSpec(input: BlendInput, ranker: Ranker): RowSpec | null {
  const trending = input.trending;
  if (!trending) return null;
  return {
    row: {
      id: 'trending-now',
      title: 'Trending now',
      reason: `trending ${contextWords(input.context)}`,
      source: trending.source,
    },
    candidates: () => ranker.shared(trending),
    viable: ranker.viable(trending.list.itemIds),
  };
}

const slugs = new Map<string, string>();
const slugOf = (genre: string) => {
  let slug = slugs.get(genre);
  if (slug === undefined) slugs.set(genre, (slug = genre.toLowerCase().replace(/[^a-z0-9]+/g, '-')));
  return slug;
};

/**
 * Genre rows, genres ranked by the member's taste and the genre's share of plays, times its fit to
 * the context; built lazily, as far down the ranking as the page needs.
 */
function* genreSpecs(input: BlendInput, ranker: Ranker): Generator<RowSpec> {
  const lifts = contextLifts(input.context, input.affinities);
  const ranked = [...input.titlesByGenre.keys()]
    .map((genre) => {
      const fit = contextBoost([genre], lifts);
      return {
        genre,
        fit,
        weight: ((input.taste.get(genre) ?? 0) + input.affinities.share(genre) + 0.01) * fit,
      };
    })
    .sort((a, b) => b.weight - a.weight || a.genre.localeCompare(b.genre));
  for (const { genre, fit } of ranked) {
    const titles = input.titlesByGenre.get(genre) ?? [];
    yield {
      row: {
        id: `genre:${slugOf(genre)}`,
        title: genre,
        reason: input.taste.has(genre)
          ? `because you watch ${genre}`
          : fit > 1.1
            ? `${genre} is watched more ${contextWords(input.context)}`
            : `popular ${genre} titles`,
        source: 'memory:catalog',
      },
      // Popularity order becomes a decaying score, so context reorders neighbours, not the head.
      candidates: () => ranker.sharedGenre(titles),
      viable: ranker.viable(titles),
    };
  }
}

/**
 * Fills rows from their candidates: no watched title (but in Continue watching), no title twice, no
 * title that may not be shown or that a rule blocks; then places the row's pinned titles (already
 * checked and claimed by `pinsOf`) at their positions.
 */
function fillRow(
  spec: RowSpec,
  input: BlendInput,
  ranker: Ranker,
  onPage: Set<string>,
  pins: readonly Pin[] = [],
): PageRow | null {
  const items: RowItem[] = [];
  const merchandising = input.merchandising;
  const room = input.itemsPerRow - pins.length;
  for (const { itemId, score } of spec.candidates()) {
    if (items.length >= room) break;
    if (onPage.has(itemId) || (!spec.keepWatched && input.watched.has(itemId))) continue;
    if (input.shown && !input.shown(itemId)) continue;
    if (merchandising && merchandising.blocks(itemId, ranker.genresOf(itemId))) continue;
    onPage.add(itemId);
    items.push({ itemId, title: ranker.titleOf(itemId), score: Math.round(score * 1e4) / 1e4 });
  }
  for (const { itemId, position, ruleId } of pins) {
    const at = Math.min(position - 1, items.length);
    // A pinned title takes the score of the place it takes, so the row's scores still read in order.
    const score = items[at]?.score ?? items[at - 1]?.score ?? 0;
    items.splice(at, 0, { itemId, title: ranker.titleOf(itemId), score, reason: 'featured', rule: ruleId });
  }
  return items.length > 0 ? { ...spec.row, items } : null;
}

/**
 * The titles rules pin in a row, claimed for it before any row is filled: a pin goes through the
 * same checks as every title (shown, not watched, not blocked, not on the page yet), so a rule never
 * brings back what the member's filters removed; a block wins over a pin.
 */
function pinsOf(
  spec: RowSpec,
  first: boolean,
  input: BlendInput,
  ranker: Ranker,
  onPage: Set<string>,
): readonly Pin[] {
  const merchandising = input.merchandising;
  if (!merchandising || merchandising.empty) return [];
  const pins: Pin[] = [];
  for (const pin of merchandising.pinsFor(spec.row.id, first)) {
    if (pins.length >= input.itemsPerRow) break;
    const { itemId } = pin;
    if (onPage.has(itemId) || (!spec.keepWatched && input.watched.has(itemId))) continue;
    if (!input.catalog.has(itemId) || (input.shown && !input.shown(itemId))) continue;
    if (merchandising.blocks(itemId, ranker.genresOf(itemId))) continue;
    onPage.add(itemId);
    pins.push(pin);
  }
  return pins;
}

/** Rows with short candidate lists claim their titles before the deep ones. */
const CLAIM_ORDER = ['continue-watching', 'because-you-watched', 'trending-now', 'top-picks'];
const claimRank = (id: string) => {
  const rank = CLAIM_ORDER.indexOf(id);
  return rank < 0 ? CLAIM_ORDER.length : rank;
};

/**
 * The page: Continue watching (newest first), Top picks, Because you watched <title>, Trending now,
 * then genre rows. Every row but Continue watching leaves out what the member watched; no title
 * appears twice; rows are re-ranked by the context's genre affinities; the page has at most `rows`
 * rows of at most `itemsPerRow` titles, and no empty row.
 *
 * Which rows make the page follows that display order. Within the page, rows with short candidate
 * lists (Because you watched, Trending) claim their titles before the deep ones (Top picks, genres),
 * so a title in both lands where it has a reason to be and short rows are not emptied by
 * de-duplication; a row left off the page claims nothing.
 */
export function blendPage(input: BlendInput): PageRow[] {
  const ranker = new Ranker(input);
  const candidates = (function* () {
    for (const spec of [
      continueWatchingSpec(input),
      topPicksSpec(input, ranker),
      becauseYouWatchedSpec(input, ranker),
      trendingSpec(input, ranker),
    ])
      if (spec?.viable) yield spec;
    for (const spec of genreSpecs(input, ranker)) if (spec.viable) yield spec;
  })();
  const chosen: Array<{ spec: RowSpec; display: number }> = [];
  for (const spec of candidates) {
    chosen.push({ spec, display: chosen.length });
    if (chosen.length >= input.rows) break;
  }
  const onPage = new Set<string>();
  // Pins without a row go in the page's first row that recommends (not Continue watching).
  const firstRow = chosen.find(({ spec }) => spec.row.id !== 'continue-watching')?.spec;
  const pinned = new Map<RowSpec, readonly Pin[]>();
  for (const { spec } of chosen) pinned.set(spec, pinsOf(spec, spec === firstRow, input, ranker, onPage));
  const filled: Array<{ row: PageRow; display: number }> = [];
  const claim = (spec: RowSpec, display: number) => {
    const row = fillRow(
      spec,
      input,
      ranker,
      onPage,
      pinned.get(spec) ?? pinsOf(spec, false, input, ranker, onPage),
    );
    if (row) filled.push({ row, display });
  };
  // Stable sort: genre rows keep their rank among themselves.
  for (const { spec, display } of chosen.sort((a, b) => claimRank(a.spec.row.id) - claimRank(b.spec.row.id)))
    claim(spec, display);
  // A chosen row emptied by de-duplication gives its place to the next row that has titles left.
  let display = chosen.length;
  for (const spec of candidates) {
    if (filled.length >= input.rows) break;
    claim(spec, display++);
  }
  return filled.sort((a, b) => a.display - b.display).map(({ row }) => row);
}
