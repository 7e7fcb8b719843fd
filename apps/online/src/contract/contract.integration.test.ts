import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@marquee/auth';
import { ensurePythonVenv } from '@marquee/bench';
import { connectTestPlatform, createRegistry, uniqueId } from '@marquee/testkit';
import { createOnlineApp } from '../app';
import {
  fixtureOptions,
  onlineSettings,
  seedOnline,
  token,
  type OnlineFixture,
  type TestPlatform,
} from '../online.test-support';

/** Pinned: a newer schemathesis brings new checks and generators, which is a change to make on purpose. */
const SCHEMATHESIS = 'schemathesis==4.32.5';
const ROOT = path.resolve(__dirname, '../../../../..');
const HOOKS = path.join(ROOT, 'apps/online/src/contract/fuzz-hooks.py');

/** The fuzzer's requests must reach the routes' logic, not the rate limiter. */
const UNLIMITED = { device: 1e6, producer: 1e6, experimenter: 1e6, operator: 1e6, anonymous: 1e6 };

/**
 * One schemathesis run per role, each on the operations that role may call (a token that may not is
 * only ever answered 403). Bounded by examples per operation and by time, so the whole test takes
 * a few minutes on two cores; MARQUEE_FUZZ_SECONDS scales the time budgets for a longer hunt.
 */
const RUNS: Array<{ role: Role; operations: string; seconds: number }> = [
  { role: 'operator', operations: '^/(v1/(users|items|admin)/|demo)', seconds: 50 },
  { role: 'producer', operations: '^/v1/plays$', seconds: 20 },
  { role: 'device', operations: '^/v1/(users|items|plays)', seconds: 30 },
  { role: 'experimenter', operations: '^/v1/(admin|items)/', seconds: 20 },
];
const SCALE = Number(process.env['MARQUEE_FUZZ_SECONDS_SCALE'] ?? '1');

interface Outcome {
  code: number | null;
  output: string;
}

/** Runs schemathesis to completion (or kills it a minute past its own time budget). */
function schemathesis(
  bin: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  limitMs: number,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    // Its working directory gets its cache (.schemathesis): the venv's, not the checkout.
    const cwd = path.dirname(path.dirname(bin));
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => (output += chunk.toString('utf8'));
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${bin}: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('the OpenAPI document is the contract (schemathesis against the running service)', () => {
  let platform: TestPlatform;
  let fixture: OnlineFixture;
  let app: NestFastifyApplication;
  let base: string;
  let bin: string;

  before(async () => {
    platform = await connectTestPlatform('contract');
    // Python 3 with venv and pip is a prerequisite of the tests (README); without it this fails saying so.
    const python = await ensurePythonVenv({
      dir: path.join(platform.config.cacheDir, 'contract-venv'),
      requirements: [SCHEMATHESIS],
      purpose: 'contract test: schemathesis',
      log: (line) => console.log(line),
    });
    bin = path.join(path.dirname(python), 'schemathesis');
    assert.ok(fs.existsSync(HOOKS), `the schemathesis hooks are not at ${HOOKS}`);
    fixture = await seedOnline(platform);
    // Topics of its own: the fuzzer's thousands of plays must not reach the other tests' consumers.
    const kafka = {
      ...platform.config.kafka,
      topicPrefix: `${platform.config.kafka.topicPrefix}${uniqueId('fuzz')}.`,
    };
    app = await createOnlineApp({
      ...onlineSettings(platform, createRegistry('contract-test'), {
        ...fixtureOptions(fixture),
        rateLimit: { windowMs: 1000, limits: UNLIMITED },
      }),
      config: { ...platform.config, kafka },
    });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  after(async () => {
    await app?.close();
    await platform?.close();
  });

  for (const run of RUNS) {
    it(`answers ${run.role} requests as the document says: no 5xx, no conformance failure`, async () => {
      const seconds = Math.max(5, Math.round(run.seconds * SCALE));
      const bearer = await token(platform, run.role, run.role === 'device' ? fixture.member : undefined);
      const { code, output } = await schemathesis(
        bin,
        [
          'run',
          `${base}/openapi.json`,
          '--checks',
          'all',
          '--header',
          `Authorization: Bearer ${bearer}`,
          '--include-path-regex',
          run.operations,
          '--max-examples',
          '30',
          '--max-time',
          String(seconds),
          '--workers',
          '1',
          '--request-timeout',
          '10',
        ],
        {
          ...process.env,
          NO_COLOR: '1',
          SCHEMATHESIS_HOOKS: HOOKS,
          MARQUEE_FUZZ_TITLE: fixture.titles[0]?.itemId ?? '',
          ...(run.role === 'device' ? { MARQUEE_FUZZ_MEMBER: fixture.member } : {}),
        },
        (seconds + 60) * 1000,
      );
      const summary = output.trim().split('\n').slice(-12).join('\n');
      console.log(`schemathesis as ${run.role}:\n${summary}`);
      assert.equal(
        code,
        0,
        `schemathesis as ${run.role} found failures (exit ${code}):\n${output.slice(-12_000)}`,
      );
    });
  }
});
