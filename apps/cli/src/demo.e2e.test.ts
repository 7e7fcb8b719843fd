import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { DemoSummary } from '@marquee/demo';

const cli = path.join(__dirname, 'main.js');
const run = promisify(execFile);

describe('marquee CLI end to end (the three apps as processes on the real stack)', () => {
  it('`marquee demo --json` carries plays through nearline, a Temporal pipeline and the online rows', async () => {
    const { stdout } = await run(process.execPath, [cli, 'demo', '--json', '--members', '60'], {
      env: process.env,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 280_000,
    });
    const summary = JSON.parse(stdout.trim()) as DemoSummary;
    assert.equal(summary.runStatus, 'COMPLETED');
    assert.match(summary.workflowId, /^popularity-demo-/);
    assert.ok(summary.playsPublished > 0);
    assert.equal(summary.playsStored, summary.playsPublished);
    const ids = summary.rows.map((row) => row.id);
    assert.equal(ids[0], 'continue-watching');
    assert.ok(ids.includes('top-picks'), ids.join());
    const [continueWatching, ...others] = summary.rows;
    assert.equal(
      continueWatching?.items[0]?.itemId,
      summary.livePlay.itemId,
      'the live play leads Continue watching',
    );
    assert.ok(
      !others.some((row) => row.items.some((i) => i.itemId === summary.livePlay.itemId)),
      'and left every other row',
    );
    // The control group's Top picks are the popular list the pipeline just published.
    const topPicks = summary.rows.find((row) => row.id === 'top-picks') as {
      list?: string;
      version?: string;
    };
    if (topPicks.list === 'popular') assert.equal(topPicks.version, summary.version);
    assert.ok(typeof summary.elapsedMs === 'number');
  });

  it('rejects bad flags with a message naming the flag', async () => {
    await assert.rejects(
      run(process.execPath, [cli, 'demo', '--members', 'many'], { env: process.env }),
      (error: unknown) => {
        const { code, stderr } = error as { code: number; stderr: string };
        return code !== 0 && /--members.*expected a whole number/.test(stderr);
      },
    );
    await assert.rejects(
      run(process.execPath, [cli, 'plays', 'publish'], { env: process.env }),
      (error: unknown) => /choose exactly one of --file/.test((error as { stderr: string }).stderr),
    );
  });
});
