import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

/** The repository root, from the source or the compiled test. */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'deploy', 'local', 'cassandra', 'cassandra.yaml'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('deploy/local/cassandra/cassandra.yaml not found above the test');
    dir = up;
  }
  return dir;
}

describe('the local Cassandra configuration', () => {
  it('acknowledges a write only once its commit log is synced, so a killed node loses none', () => {
    const yaml = fs.readFileSync(
      path.join(repoRoot(), 'deploy', 'local', 'cassandra', 'cassandra.yaml'),
      'utf8',
    );
    const sync = /^commitlog_sync:\s*(\S+)/m.exec(yaml)?.[1];
    // `periodic` acknowledges before the sync, and a killed node replays only up to its last sync.
    assert.ok(sync === 'group' || sync === 'batch', `commitlog_sync is ${sync ?? 'unset'}`);
  });
});
