import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { benchFreshness, findMaxRate } from '@marquee/bench';
import { createLogger } from '@marquee/observability';
import { positiveInt, wholeNumber } from './options';

/** `marquee bench freshness`: from publish to the member's rows, at a steady rate, on the running platform. */
export function registerFreshnessBench(bench: Command, config: () => MarqueeConfig): void {
  bench
    .command('freshness')
    .description(
      'publish plays through Kafka at a steady rate and measure, for sampled members, the time until ' +
        'GET /v1/users/:id/rows shows the title in Continue watching and no longer in Top picks',
    )
    .option('--rate <n>', 'plays per second (with --find-max: the first step)', positiveInt(100_000), 500)
    .option('--seconds <n>', 'how long to publish (with --find-max: each step)', positiveInt(3600), 60)
    .option(
      '--warmup <s>',
      'seconds at the same rate before the measured ones, not measured (with --find-max: before the first step)',
      wholeNumber('--warmup', 0, 600),
      30,
    )
    .option('--samples-per-second <n>', 'sampled plays per second', positiveInt(200), 10)
    .option(
      '--sample-timeout-ms <n>',
      'a sampled play not reflected by then is lost',
      positiveInt(600_000),
      10_000,
    )
    .option('--find-max', 'step the rate up to the highest the consumers sustain with bounded lag')
    .option('--json', 'print one JSON object')
    .action(
      async (opts: {
        rate: number;
        seconds: number;
        warmup: number;
        samplesPerSecond: number;
        sampleTimeoutMs: number;
        findMax?: boolean;
        json?: boolean;
      }) => {
        // Progress goes to stderr, so --json output stays one object on stdout.
        const log = (line: string) => console.error(line);
        const logger = createLogger('bench', 'warn', true);
        const options = {
          rate: opts.rate,
          seconds: opts.seconds,
          warmupSeconds: opts.warmup,
          samplesPerSecond: opts.samplesPerSecond,
          sampleTimeoutMs: opts.sampleTimeoutMs,
        };
        if (opts.findMax) {
          const result = await findMaxRate(config(), logger, options, log);
          if (opts.json) return console.log(JSON.stringify(result));
          for (const s of result.steps)
            console.log(
              `${String(s.rate).padStart(6)}/s  ${s.sustained ? 'sustained    ' : 'not sustained'}  p99 ${s.p99Ms} ms  max lag ${s.maxLag}  (${s.why})`,
            );
          return console.log(`highest sustained rate: ${result.maxRate} plays/s`);
        }
        const result = await benchFreshness(config(), logger, options, log);
        if (opts.json) return console.log(JSON.stringify(result));
        console.log(
          `${result.sent} plays at ${result.rate}/s for ${result.seconds} s: ${result.reflected} sampled plays reflected, ${result.lost} lost`,
        );
        console.log(
          `publish → rows: p50 ${result.p50Ms} ms, p95 ${result.p95Ms} ms, p99 ${result.p99Ms} ms; max lag ${result.maxLag} plays`,
        );
      },
    );
}
