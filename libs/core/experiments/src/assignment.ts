import { createHash } from 'node:crypto';

export interface Variant {
  name: string;
  /** Share of members, 0..1. */
  traffic: number;
}

export const CONTROL = 'control';

/**
 * A member's position in [0, 1) for an experiment: a hash of (experiment, member), so assignment
 * is sticky, needs no storage, and is independent across experiments.
 */
export function bucketOf(memberId: string, experiment: string): number {
  const digest = createHash('sha256').update(`${experiment}\u0000${memberId}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

export function validateTraffic(variants: readonly Variant[]): void {
  let total = 0;
  for (const variant of variants) {
    if (!(variant.traffic >= 0 && variant.traffic <= 1)) {
      throw new RangeError(`traffic of ${variant.name} must be between 0 and 1, got ${variant.traffic}`);
    }
    total += variant.traffic;
  }
  if (total > 1 + 1e-9) {
    throw new RangeError(
      `traffic shares add up to ${total.toFixed(3)}, more than 1: lower one of ${variants.map((v) => v.name).join(', ')}`,
    );
  }
}

/**
 * The variant a member sees: variants take consecutive slices of [0, 1) in name order; the rest of
 * the members get the control (the default lists).
 */
export function assignVariant(memberId: string, experiment: string, variants: readonly Variant[]): string {
  const bucket = bucketOf(memberId, experiment);
  let upper = 0;
  for (const variant of [...variants].sort((a, b) => a.name.localeCompare(b.name))) {
    upper += variant.traffic;
    if (bucket < upper) return variant.name;
  }
  return CONTROL;
}
