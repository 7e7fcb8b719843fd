import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundle } from '@temporalio/worker';
import type { PublishedResult } from '@marquee/domain';
import type { PopularityPipelineInput } from '@marquee/offline-client';
import {
  bundleWorkflows,
  runWithActivities,
  startTimeSkippingEnvironment,
} from '../time-skipping.test-support';
import type {
  ComputeAffinitiesInput,
  ComputePopularListInput,
  PopularityActivities,
  PublishListInput,
} from './activities';
import { popularityPipeline } from './popularity-pipeline';

/** The popularity activities as plain functions recording their inputs. */
function mockActivities(overrides: Partial<PopularityActivities> = {}) {
  const computed: ComputePopularListInput[] = [];
  const published: PublishListInput[] = [];
  const affinities: ComputeAffinitiesInput[] = [];
  const activities: PopularityActivities = {
    computePopularList: async (input) => {
      computed.push(input);
      return {
        list: input.list,
        version: input.version,
        algorithm: 'popularity',
        playsScanned: 13,
        members: 13,
        items: 2,
        checksum: 'sha256:list',
        preview: ['hit', 'niche'],
      };
    },
    publishList: async (input): Promise<PublishedResult> => {
      published.push(input);
      return {
        list: input.computed.list,
        algorithm: input.computed.algorithm,
        version: input.computed.version,
        location: `cassandra:list_entries/${input.computed.list}/${input.computed.version}`,
        counts: { members: input.computed.members, items: input.computed.items },
        metrics: { playsScanned: input.computed.playsScanned },
        checksum: input.computed.checksum,
        publishedAt: '2026-01-02T00:00:00.000Z',
      };
    },
    computeGenreAffinities: async (input) => {
      affinities.push(input);
      return {
        version: input.version,
        published: true,
        playsScanned: 13,
        playsCounted: 13,
        genres: 2,
        cells: 8,
      };
    },
    ...overrides,
  };
  return { activities, computed, published, affinities };
}

describe('popularity pipeline workflow (time-skipping test server, mocked activities)', () => {
  let env: TestWorkflowEnvironment;
  let workflowBundle: WorkflowBundle;

  before(async () => {
    env = await startTimeSkippingEnvironment();
    workflowBundle = await bundleWorkflows();
  });
  after(() => env?.teardown());

  const run = (input: PopularityPipelineInput, activities: PopularityActivities) =>
    runWithActivities('popularity', env, workflowBundle, popularityPipeline, { args: [input] }, activities);

  it('computes the list under a new version, publishes it, then computes genre affinities of the same version', async () => {
    const mock = mockActivities();
    const result = await run({}, mock.activities);
    assert.match(result.version, /^v\d{8}T\d{6}Z-[0-9a-f]{12}$/);
    assert.deepEqual(
      mock.computed.map(({ list, version, k, halfLifeDays, workflowId }) => ({
        list,
        version,
        k,
        halfLifeDays,
        workflowId,
      })),
      [
        {
          list: 'popular',
          version: result.version,
          k: 100,
          halfLifeDays: 30,
          workflowId: 'popularity-test-1',
        },
      ],
    );
    assert.equal(mock.published[0]?.computed.version, result.version);
    assert.equal(mock.published[0]?.workflowId, 'popularity-test-1');
    assert.equal(mock.affinities[0]?.version, result.version);
    assert.equal(
      mock.affinities[0]?.asOf,
      mock.computed[0]?.asOf,
      'both steps count plays up to the same instant',
    );
    assert.equal(result.playsScanned, 13);
    assert.equal(result.items, 2);
    assert.equal(result.published.checksum, 'sha256:list');
    assert.equal(result.affinities?.published, true);
  });

  it('passes the requested list, k and half-life to the computation', async () => {
    const mock = mockActivities();
    await run({ list: 'popular-kids', k: 50, halfLifeDays: 7 }, mock.activities);
    assert.deepEqual(
      [mock.computed[0]?.list, mock.computed[0]?.k, mock.computed[0]?.halfLifeDays],
      ['popular-kids', 50, 7],
    );
  });

  it('invalid parameters fail the run without retries and nothing is published', async () => {
    let attempts = 0;
    const mock = mockActivities({
      computePopularList: async () => {
        attempts += 1;
        throw ApplicationFailure.nonRetryable(
          'invalid popularity params: k must be a positive integer',
          'InvalidParams',
        );
      },
    });
    await assert.rejects(run({ k: 0 }, mock.activities), (error: unknown) => {
      assert.ok(error instanceof WorkflowFailedError);
      const cause = error.cause?.cause;
      assert.ok(cause instanceof ApplicationFailure, `cause is ${String(cause)}`);
      assert.equal(cause.type, 'InvalidParams');
      assert.match(cause.message, /k must be a positive integer/);
      return true;
    });
    assert.equal(attempts, 1);
    assert.deepEqual([mock.published.length, mock.affinities.length], [0, 0]);
  });

  it('a publish that fails for a passing reason is retried', async () => {
    let failures = 0;
    const mock = mockActivities();
    const publish = mock.activities.publishList;
    mock.activities.publishList = async (input) => {
      if (failures++ < 2) throw new Error('kafka is not reachable');
      return publish(input);
    };
    const result = await run({}, mock.activities);
    assert.equal(result.published.version, result.version);
    assert.equal(failures, 3);
  });
});
