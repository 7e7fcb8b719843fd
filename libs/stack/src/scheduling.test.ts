import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import { launch, policyInStat, policyOf } from './scheduling';

describe('launch', () => {
  it('runs a background process through chrt --batch 0, which execs it', () => {
    assert.deepEqual(launch('bash', ['run-kafka.sh'], 'batch', '/usr/bin/chrt'), {
      command: '/usr/bin/chrt',
      args: ['--batch', '0', 'bash', 'run-kafka.sh'],
      scheduling: 'batch',
    });
  });

  it('runs a normal process as it is, and a batch one too where chrt is missing', () => {
    const plain = { command: 'node', args: ['main.js'], scheduling: 'normal' };
    assert.deepEqual(launch('node', ['main.js'], 'normal', '/usr/bin/chrt'), plain);
    assert.deepEqual(launch('node', ['main.js'], 'batch', null), plain);
  });
});

describe('policyInStat', () => {
  const stat = (comm: string, policy: number) =>
    `4242 (${comm}) S 1 4242 4242 0 -1 4194560 ${Array.from({ length: 30 }, () => '0').join(' ')} 0 ${policy} 0 0 0`;

  it('reads field 41, even after a command name with spaces and parentheses', () => {
    assert.equal(policyInStat(stat('java', 3)), 'batch');
    assert.equal(policyInStat(stat('a (b) c', 0)), 'normal');
    assert.equal(policyInStat(stat('rt', 1)), 'fifo');
    assert.equal(policyInStat('garbage'), 'unknown');
  });
});

describe('launch on this machine', () => {
  it('starts the process under SCHED_BATCH with the same pid', async (t) => {
    const how = launch('sleep', ['5'], 'batch');
    if (how.scheduling !== 'batch' || policyOf(process.pid) === null) {
      t.skip('no chrt on PATH or no /proc here: processes start with normal scheduling');
      return;
    }
    const child = spawn(how.command, how.args, { stdio: 'ignore' });
    try {
      // chrt sets the policy, then execs sleep: wait for the exec so the pid is sleep's.
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        if (fs.readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim() === 'sleep') break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert.equal(policyOf(child.pid as number), 'batch');
      assert.equal(policyOf(process.pid), 'normal', 'the parent keeps its own policy');
    } finally {
      child.kill();
      await once(child, 'exit');
    }
  });
});
