import fs from 'node:fs';
import readline from 'node:readline';
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import { Client, Connection } from '@temporalio/client';
import type { MarqueeConfig } from '@marquee/config';
import { DEVICES, ValidationError, parseOrThrow, playSchema, type Play } from '@marquee/domain';
import { PRODUCER_OPTIONS, createKafka, ensureTopics, publishPlays, topicsFor } from '@marquee/kafka';
import { createCassandraClient, migrate } from '@marquee/storage';
import { createLogger } from '@marquee/observability';
import { generateDataset } from '@marquee/synthetic';
import type { popularityPipeline } from '@marquee/workflows';
import { oneOf, positiveInt, positiveNumber } from './options';

/** Reads plays from a JSON Lines file, naming the line of the first bad one. */
async function readPlaysFile(file: string): Promise<Play[]> {
  if (!fs.existsSync(file)) throw new ValidationError([`--file: ${file} does not exist`], 'flags');
  const plays: Play[] = [];
  let lineNo = 0;
  for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
    lineNo += 1;
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new ValidationError([`${file}:${lineNo}: not JSON (${(error as Error).message})`], 'plays file');
    }
    try {
      plays.push(parseOrThrow(playSchema, json, `play at ${file}:${lineNo}`));
    } catch (error) {
      throw error instanceof ValidationError
        ? new ValidationError(
            error.issues.map((i) => `${file}:${lineNo}: ${i}`),
            'plays file',
          )
        : error;
    }
  }
  return plays;
}

/** Creates the topics where missing (idempotent); only Kafka is needed. */
async function createTopics(c: MarqueeConfig): Promise<string[]> {
  const admin = createKafka(c.kafka, createLogger('cli', 'warn', true)).admin();
  await admin.connect();
  try {
    return await ensureTopics(admin, topicsFor(c.kafka.topicPrefix), c.kafka);
  } finally {
    await admin.disconnect();
  }
}

/** Publishes plays in batches of 500 through an idempotent producer; publishing needs Kafka alone. */
async function publishToKafka(c: MarqueeConfig, plays: readonly Play[]): Promise<void> {
  await createTopics(c);
  const producer = createKafka(c.kafka, createLogger('cli', 'warn', true)).producer(PRODUCER_OPTIONS);
  await producer.connect();
  try {
    const topics = topicsFor(c.kafka.topicPrefix);
    for (let i = 0; i < plays.length; i += 500)
      await publishPlays(producer, topics, plays.slice(i, i + 500), c.kafka.playsAckTimeoutMs);
  } finally {
    await producer.disconnect();
  }
}

export function registerPlatformCommands(program: Command, config: () => MarqueeConfig): void {
  program
    .command('migrate')
    .description('create the Cassandra keyspace and apply pending schema migrations')
    .action(async () => {
      const c = config();
      const client = createCassandraClient(c.cassandra);
      try {
        const applied = await migrate(client, c.cassandra.keyspace, c.cassandra.replicationFactor);
        console.log(applied.length ? `applied migrations ${applied.join(', ')}` : 'schema is up to date');
      } finally {
        await client.shutdown();
      }
    });

  const topics = program.command('topics').description('Kafka topics');
  topics
    .command('create')
    .description('create plays (6 partitions), plays.dlq and results.published where missing')
    .action(async () => {
      const created = await createTopics(config());
      console.log(created.length ? `created ${created.join(', ')}` : 'topics exist');
    });
  topics
    .command('delete-prefixed')
    .description('delete the topics of a test run or throwaway environment (only prefixed ones)')
    .argument('<prefix>', 'topic prefix, e.g. test.abc.')
    .action(async (prefix: string) => {
      if (!/^[A-Za-z0-9._-]{3,40}$/.test(prefix)) {
        throw new ValidationError(
          [`<prefix>: '${prefix}' must be 3-40 characters of letters, digits, . _ -`],
          'arguments',
        );
      }
      const c = config();
      const admin = createKafka(c.kafka, createLogger('cli', 'warn', true)).admin();
      await admin.connect();
      try {
        const doomed = (await admin.listTopics()).filter((name) => name.startsWith(prefix));
        if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 10_000 });
        console.log(doomed.length ? `deleted ${doomed.join(', ')}` : `no topics start with ${prefix}`);
      } finally {
        await admin.disconnect();
      }
    });

  program
    .command('plays')
    .description('play events')
    .command('publish')
    .description('publish plays to Kafka: from a JSON Lines file, a synthetic set, or one play from flags')
    .option('--file <path>', 'JSON Lines, one play per line')
    .option('--synthetic', 'generate plays with the project generator')
    .option('--members <n>', 'synthetic members', positiveInt(1_000_000), 100)
    .option('--items <n>', 'synthetic catalog size', positiveInt(1_000_000), 300)
    .option('--plays-per-member <n>', 'synthetic plays per member', positiveInt(10_000), 10)
    .option('--seed <n>', 'synthetic seed', positiveInt(), 1)
    .option('--user <id>', 'one play: member id')
    .option('--item <id>', 'one play: item id')
    .option('--device <device>', 'one play: device', oneOf(DEVICES), 'tv')
    .option('--position-ms <n>', 'one play: position', positiveInt(), 60_000)
    .option('--duration-ms <n>', 'one play: duration', positiveInt(), 5_400_000)
    .action(
      async (opts: {
        file?: string;
        synthetic?: boolean;
        members: number;
        items: number;
        playsPerMember: number;
        seed: number;
        user?: string;
        item?: string;
        device: string;
        positionMs: number;
        durationMs: number;
      }) => {
        const sources = [opts.file !== undefined, opts.synthetic === true, opts.user !== undefined].filter(
          Boolean,
        ).length;
        if (sources !== 1) {
          throw new ValidationError(
            ['choose exactly one of --file <path>, --synthetic, or --user <id> --item <id>'],
            'flags',
          );
        }
        let plays: Play[];
        if (opts.file) plays = await readPlaysFile(opts.file);
        else if (opts.synthetic) {
          plays = generateDataset({
            seed: opts.seed,
            members: opts.members,
            items: opts.items,
            playsPerMember: opts.playsPerMember,
            days: 28,
            now: new Date(),
          }).plays;
        } else {
          plays = [
            parseOrThrow(
              playSchema,
              {
                eventId: randomUUID(),
                userId: opts.user,
                itemId: opts.item,
                device: opts.device,
                timestamp: new Date().toISOString(),
                positionMs: opts.positionMs,
                durationMs: opts.durationMs,
              },
              'play flags',
            ),
          ];
        }
        await publishToKafka(config(), plays);
        console.log(`published ${plays.length} play(s) to plays`);
      },
    );

  program
    .command('pipeline')
    .description('offline pipelines on Temporal')
    .command('run')
    .description('run the popularity pipeline once and wait for it')
    .argument('<name>', 'pipeline name (popularity)', oneOf(['popularity'] as const))
    .option('--k <n>', 'list length', positiveInt(1000), 100)
    .option('--half-life-days <days>', 'decay half-life', positiveNumber, 14)
    .option('--json', 'print one JSON object')
    .action(async (_name: string, opts: { k: number; halfLifeDays: number; json?: boolean }) => {
      const c = config();
      const connection = await Connection.connect({ address: c.temporal.address });
      try {
        const client = new Client({ connection, namespace: c.temporal.namespace });
        const workflowId = `popularity-${Date.now()}`;
        const handle = await client.workflow.start<typeof popularityPipeline>('popularityPipeline', {
          taskQueue: c.temporal.taskQueue,
          workflowId,
          args: [{ list: 'popular', k: opts.k, halfLifeDays: opts.halfLifeDays }],
        });
        if (!opts.json) console.log(`started ${workflowId}; waiting (needs a running offline worker)`);
        const result = await handle.result();
        const status = (await handle.describe()).status.name;
        console.log(
          opts.json
            ? JSON.stringify({ workflowId, status, ...result })
            : `${status}: version ${result.version}, ${result.items} titles from ${result.playsScanned} plays`,
        );
      } finally {
        await connection.close();
      }
    });
}
