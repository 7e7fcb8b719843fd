/**
 * `v20261122T203000Z-4f1c2a9b7d3e`: sorts by time, unique per run, the same on every replay.
 * The suffix is the run id's tail: Temporal's run ids are UUIDv7, whose head is a timestamp that
 * runs started in the same second share.
 */
export function versionFor(startedAt: Date, runId: string): string {
  const stamp = startedAt
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `v${stamp}-${runId.replace(/-/g, '').slice(-12)}`;
}
