import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowStartOptions } from '@temporalio/client';
import type { Workflow, WorkflowResultType } from '@temporalio/workflow';
import {
  DefaultLogger,
  Runtime,
  Worker,
  bundleWorkflowCode,
  makeTelemetryFilterString,
  type WorkflowBundle,
} from '@temporalio/worker';

/** The version deploy/local/fetch-temporal-test-server.sh fetches by default. */
const TEST_SERVER_VERSION = process.env.MARQUEE_TEMPORAL_TEST_SERVER_VERSION ?? '1.38.0';

function repositoryRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'deploy/local/temporal-test-server.sh'))) return dir;
  }
  throw new Error(`deploy/local/temporal-test-server.sh not found above ${__dirname}`);
}

/**
 * Temporal's time-skipping test server in this process's care: timers and retry back-offs pass at
 * once. It runs from the classpath deploy/local/fetch-temporal-test-server.sh fetches from Maven
 * Central (the SDK's own download comes from GitHub, which not every machine reaches).
 */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  try {
    // The failures these tests provoke on purpose would otherwise be logged as warnings.
    Runtime.install({
      logger: new DefaultLogger('ERROR'),
      telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } },
    });
  } catch {
    /* already installed by an earlier suite in this process */
  }
  const cacheRoot = process.env.MARQUEE_CACHE_DIR ?? path.join(os.homedir(), '.cache/marquee');
  const lib = path.join(cacheRoot, `temporal-test-server-${TEST_SERVER_VERSION}`, 'lib');
  if (!fs.existsSync(lib)) {
    throw new Error(
      `Temporal's time-skipping test server is not fetched (${lib} is missing): run deploy/local/fetch-temporal-test-server.sh (needs Java 17+ and Maven)`,
    );
  }
  const launcher = path.join(repositoryRoot(), 'deploy/local/temporal-test-server.sh');
  // The SDK waits a few seconds for the JVM to listen; on a loaded machine a start can miss that,
  // so a failed start is tried again before the suite fails.
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createTimeSkipping({
        server: { executable: { type: 'existing-path', path: launcher } },
      });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** The worker's workflow code, bundled once per test file. */
export function bundleWorkflows(): Promise<WorkflowBundle> {
  return bundleWorkflowCode({
    workflowsPath: require.resolve('./all-workflows'),
    logger: new DefaultLogger('WARN'),
  });
}

let runs = 0;

/**
 * Runs one workflow to its end (`start` holds its args) as `<name>-test-<n>`, on a task queue of its
 * own, served by a worker whose activities are `activities` (the tests' mocks).
 */
export async function runWithActivities<W extends Workflow>(
  name: string,
  env: TestWorkflowEnvironment,
  workflowBundle: WorkflowBundle,
  workflow: W,
  start: Omit<WorkflowStartOptions<W>, 'taskQueue' | 'workflowId'>,
  activities: object,
): Promise<WorkflowResultType<W>> {
  const taskQueue = `${name}-${++runs}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle,
    activities,
  });
  return worker.runUntil(
    env.client.workflow.execute(workflow, {
      ...start,
      taskQueue,
      workflowId: `${name}-test-${runs}`,
    } as WorkflowStartOptions<W>),
  );
}
