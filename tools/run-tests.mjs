// Runs the compiled tests of one tier, or of all three, with node's test runner, one file at a time.
//   unit         *.test.js that are neither integration nor e2e: pure logic, no server started
//   integration  *.integration.test.js: against the real servers of the local stack
//   e2e          *.e2e.test.js: the apps as processes on the real servers
//   all          the three (`npm test`)
// For the tiers that need servers it starts the local stack when it is not running (and stops only
// what it started), and isolates the run: its own keyspace, topics, task queue and cache namespace.
// Further arguments keep only the test files whose path contains one of them.
import { spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const cli = path.join(root, 'dist/apps/cli/src/main.js');

function findTests(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : findTests(full);
    return entry.name.endsWith('.test.js') ? [full] : [];
  });
}

const TIERS = ['unit', 'integration', 'e2e', 'all'];
const [tier = 'all', ...filter] = process.argv.slice(2);
if (!TIERS.includes(tier)) {
  console.error(`run-tests: unknown tier ${JSON.stringify(tier)}; expected one of ${TIERS.join(', ')}`);
  process.exit(2);
}
const tierOf = (file) =>
  file.endsWith('.integration.test.js') ? 'integration' : file.endsWith('.e2e.test.js') ? 'e2e' : 'unit';
const tests = ['apps', 'libs', 'signals', 'workflows', 'tooling']
  .flatMap((dir) => findTests(path.join(root, 'dist', dir)))
  .filter((file) => tier === 'all' || tierOf(file) === tier)
  .filter((file) => filter.length === 0 || filter.some((f) => file.includes(f)))
  .sort((a, b) => TIERS.indexOf(tierOf(a)) - TIERS.indexOf(tierOf(b)) || a.localeCompare(b));
if (tests.length === 0) {
  console.error(`run-tests: no compiled ${tier} tests found; run \`npm run build\` first`);
  process.exit(1);
}
const needsServers = tests.some((file) => tierOf(file) !== 'unit');
const testArgs = [
  '--test',
  '--test-concurrency=1',
  '--test-reporter=spec',
  '--test-timeout=300000',
  ...tests,
];

const run = `t${Date.now().toString(36)}`;
const env = {
  ...process.env,
  MARQUEE_KEYSPACE: process.env.MARQUEE_TEST_KEYSPACE ?? 'marquee_test',
  MARQUEE_TOPIC_PREFIX: `test.${run}.`,
  MARQUEE_TASK_QUEUE: `marquee-test-${run}`,
  // The end-to-end test starts the three apps as processes; keep them off a running platform's ports.
  MARQUEE_ONLINE_PORT: process.env.MARQUEE_TEST_ONLINE_PORT ?? '13000',
  MARQUEE_NEARLINE_PORT: process.env.MARQUEE_TEST_NEARLINE_PORT ?? '13001',
  MARQUEE_OFFLINE_PORT: process.env.MARQUEE_TEST_OFFLINE_PORT ?? '13002',
  KAFKAJS_NO_PARTITIONER_WARNING: '1',
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
};

// The workflow tests run on Temporal's time-skipping test server, fetched once into the cache dir.
const fetched = spawnSync('bash', [path.join(root, 'deploy/local/fetch-temporal-test-server.sh')], {
  stdio: ['ignore', 'inherit', 'inherit'],
});
if (fetched.status !== 0) {
  console.error(
    'run-tests: could not fetch the Temporal test server (deploy/local/fetch-temporal-test-server.sh)',
  );
  process.exit(1);
}

if (!needsServers) {
  // Pure logic: no stack, no isolation needed, and nothing to clean up.
  const result = spawnSync(process.execPath, testArgs, { env, stdio: 'inherit', cwd: root });
  process.exit(result.status ?? 1);
}

console.log('run-tests: starting the local stack where it is not running');
const up = spawnSync(process.execPath, [cli, 'stack', 'up', '--json'], {
  env,
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
if (up.status !== 0) {
  console.error(`run-tests: the local stack did not come up:\n${up.stdout}`);
  process.exit(1);
}
const { started } = JSON.parse(up.stdout.trim().split('\n').pop());
console.log(`run-tests: stack ready (started now: ${started.join(', ') || 'none'})`);

let status = 1;
try {
  const result = spawnSync(process.execPath, testArgs, { env, stdio: 'inherit', cwd: root });
  status = result.status ?? 1;
} finally {
  // Test topics are throwaway; delete them so runs do not accumulate partitions.
  try {
    execFileSync(process.execPath, [cli, 'topics', 'delete-prefixed', `test.${run}.`], {
      env,
      stdio: 'inherit',
    });
  } catch {
    console.error("run-tests: could not delete this run's test topics");
  }
  if (started.length > 0) {
    console.log(`run-tests: stopping what this run started: ${started.join(', ')}`);
    spawnSync(process.execPath, [cli, 'stack', 'down', '--only', started.join(',')], {
      env,
      stdio: 'inherit',
    });
  }
}
process.exit(status);
