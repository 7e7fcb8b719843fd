import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { envSchema, readConfig, unsafeForProduction } from '@marquee/config';
import { CHART, fetchChartTools, lint, renderValidated, template, type ChartTools } from './chart-tools';

const EVERYTHING = `${CHART}/ci/everything-values.yaml`;

/** Variables only the local stack reads (its servers' own ports and state): a cluster sets none. */
const localStackOnly = Object.entries(envSchema.shape)
  .filter(([, schema]) => /local stack/i.test(schema.description ?? ''))
  .map(([name]) => name);

describe('the Helm chart', () => {
  let tools: ChartTools;
  before(
    () => {
      tools = fetchChartTools();
    },
    { timeout: 20 * 60_000 },
  );

  it('passes helm lint --strict with the defaults and with every option on', () => {
    lint(tools);
    lint(tools, [EVERYTHING]);
  });

  it('renders only objects that decode strictly into their Kubernetes API types', () => {
    const defaults = renderValidated(tools).summary;
    assert.match(defaults, /Deployment=3 HorizontalPodAutoscaler=1 Job=2 PodDisruptionBudget=2/);
    const everything = renderValidated(tools, [EVERYTHING]).summary;
    assert.match(everything, /Deployment=4/, 'the GPU pool of offline workers is a Deployment of its own');
    assert.match(everything, /ServiceMonitor=3/);
  });

  it('gives the pods every variable the apps read, from its ConfigMap and Secret', () => {
    const rendered = { ...renderValidated(tools).env, ...renderValidated(tools, [EVERYTHING]).env };
    const missing = Object.keys(envSchema.shape).filter(
      (name) => !localStackOnly.includes(name) && !(name in rendered),
    );
    assert.deepEqual(missing, [], `the chart sets none of ${missing.join(', ')}`);
  });

  it('defaults to a production configuration the apps accept', () => {
    for (const values of [[], [EVERYTHING]]) {
      const { env } = renderValidated(tools, values);
      assert.equal(env['MARQUEE_ENV'], 'production');
      const config = readConfig(env);
      assert.deepEqual(unsafeForProduction(config), []);
      assert.equal(config.kafka.replicationFactor, 3);
      assert.equal(config.kafka.minInsyncReplicas, 2);
      assert.equal(config.cassandra.replicationFactor, 3);
      assert.ok(config.memcached.servers.split(',').length >= 3, 'memcached is a pool');
    }
  });

  it('refuses more nearline consumers than the partitions of plays', () => {
    assert.throws(() => template(tools, [], ['nearline.replicas=7']), /exceeds kafka\.playsPartitions \(6\)/);
    assert.throws(
      () => template(tools, [], ['nearline.replicas=4', 'nearline.consumersPerPod=2']),
      /nearline\.replicas x nearline\.consumersPerPod \(8\) exceeds kafka\.playsPartitions \(6\)/,
    );
    assert.doesNotThrow(() => template(tools, [], ['nearline.replicas=6', 'nearline.consumersPerPod=1']));
  });

  it('refuses production settings the apps would refuse, naming the value', () => {
    assert.throws(() => template(tools, [], ['kafka.replication=1']), /kafka\.replication/);
    assert.throws(() => template(tools, [], ['cassandra.replication=1']), /cassandra\.replication/);
    assert.throws(() => template(tools, [], ['auth.allowLocalTokens=false']), /auth\.jwksUrl/);
    assert.doesNotThrow(() =>
      template(tools, [], ['env=development', 'kafka.replication=1', 'kafka.minInsyncReplicas=1']),
    );
  });
});
