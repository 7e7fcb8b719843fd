import type { Row } from '@marquee/domain';

/** Where a title stands on a page: in Continue watching or not, and which other rows still show it. */
export interface LivePlacement {
  inContinueWatching: boolean;
  elsewhere: string[];
}

export function placementOf(rows: readonly Row[], itemId: string): LivePlacement {
  const shows = (row: Row) => row.items.some((item) => item.itemId === itemId);
  return {
    inContinueWatching: rows.some((row) => row.id === 'continue-watching' && shows(row)),
    elsewhere: rows.filter((row) => row.id !== 'continue-watching' && shows(row)).map((row) => row.id),
  };
}

/** A live play is reflected once its title leads nowhere but Continue watching. */
export const reflected = (placement: LivePlacement): boolean =>
  placement.inContinueWatching && placement.elsewhere.length === 0;

/**
 * Why a live play is not reflected yet, naming the page's rows, so a failed demo tells which stage
 * held the title back: not stored (absent everywhere), filtered out, or still recommended elsewhere.
 */
export function describePlacement(rows: readonly Row[], itemId: string): string {
  const { inContinueWatching, elsewhere } = placementOf(rows, itemId);
  const page = rows.map((row) => `${row.id} (${row.items.length})`).join(', ') || 'no rows';
  const where = inContinueWatching
    ? `in Continue watching but also in ${elsewhere.join(', ')}`
    : elsewhere.length > 0
      ? `not in Continue watching; still in ${elsewhere.join(', ')}`
      : 'on no row';
  return `${itemId} is ${where}; the page: ${page}`;
}
