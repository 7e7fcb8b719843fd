export { seededRandom } from '@marquee/algorithms';

/** Draws an index from cumulative weights by binary search. */
export function drawIndex(cumulative: Float64Array, random: () => number): number {
  const total = cumulative[cumulative.length - 1] ?? 0;
  const target = random() * total;
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((cumulative[mid] ?? 0) < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
