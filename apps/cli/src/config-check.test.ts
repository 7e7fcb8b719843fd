import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const cli = path.join(__dirname, 'main.js');
const { MARQUEE_ENV: _env, MARQUEE_JWT_SECRET: _secret, MARQUEE_JWKS_URL: _jwks, ...base } = process.env;

/** `marquee config check` as a process; it connects to nothing. */
function check(env: NodeJS.ProcessEnv, ...args: string[]) {
  return spawnSync(process.execPath, [cli, 'config', 'check', '--json', ...args], {
    env: { ...base, ...env },
    encoding: 'utf8',
  });
}

describe('marquee config check', () => {
  it('prints the effective configuration with the secret redacted, and passes in development', () => {
    const run = check({ MARQUEE_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters!' });
    assert.equal(run.status, 0, run.stderr);
    assert.ok(!run.stdout.includes('a-secret-of-at-least'), 'the secret is not printed');
    const out = JSON.parse(run.stdout) as { config: { auth: { secret: string } }; production: boolean };
    assert.equal(out.config.auth.secret, '(redacted)');
    assert.equal(out.production, false);
  });

  it('exits non-zero naming each unsafe production setting', () => {
    const run = check({}, '--production');
    assert.equal(run.status, 1);
    const { unsafe } = JSON.parse(run.stdout) as { unsafe: string[] };
    assert.ok(
      unsafe.some((u) => u.startsWith('MARQUEE_JWT_SECRET is the built-in local secret')),
      unsafe.join(),
    );
    assert.ok(
      unsafe.some((u) => u.startsWith('MARQUEE_JWKS_URL is not set')),
      unsafe.join(),
    );
    assert.ok(
      unsafe.some((u) => u.startsWith('MARQUEE_CASSANDRA_REPLICATION is 1')),
      unsafe.join(),
    );
  });

  it('passes a production configuration with an identity provider and three replicas', () => {
    const run = check({
      MARQUEE_ENV: 'production',
      MARQUEE_JWKS_URL: 'https://id.example.com/.well-known/jwks.json',
      MARQUEE_JWT_SECRET: 'a-secret-of-at-least-thirty-two-characters!',
      MARQUEE_CASSANDRA_REPLICATION: '3',
      MARQUEE_KAFKA_REPLICATION: '3',
      MARQUEE_KAFKA_MIN_INSYNC_REPLICAS: '2',
    });
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.deepEqual((JSON.parse(run.stdout) as { unsafe: string[] }).unsafe, []);
  });

  it('a production process with the default secret refuses to start, naming the variable', () => {
    const run = spawnSync(process.execPath, [cli, 'token', '--role', 'producer'], {
      env: { ...base, MARQUEE_ENV: 'production' },
      encoding: 'utf8',
    });
    assert.equal(run.status, 2);
    assert.match(
      run.stderr,
      /unsafe for production \(MARQUEE_ENV=production\): MARQUEE_JWT_SECRET is the built-in local secret/,
    );
  });
});
