import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import {
  DEFAULT_ONLINE_BENCH,
  DEFAULT_OVERLOAD_BENCH,
  runOnlineBench,
  runOverloadBench,
} from '@marquee/bench';
import { positiveInt, positiveNumber } from './options';

/** `marquee bench online`: the running online service against a bare Fastify route. */
export function registerOnlineBench(bench: Command, config: () => MarqueeConfig): void {
  bench
    .command('online')
    .description(
      'load the running online service with random demo members and valid tokens: saturation (closed loop) ' +
        'and latency at a fixed rate (open loop), each beside a bare Fastify route returning a page of the same size',
    )
    .option(
      '--members <n>',
      "members to request (m1..mN; past the demo's 200, members without history)",
      positiveInt(1_000_000),
      DEFAULT_ONLINE_BENCH.members,
    )
    .option(
      '--connections <n>',
      'saturation connections',
      positiveInt(10_000),
      DEFAULT_ONLINE_BENCH.connections,
    )
    .option(
      '--duration <s>',
      'seconds of each saturation phase',
      positiveInt(3600),
      DEFAULT_ONLINE_BENCH.saturationSeconds,
    )
    .option(
      '--rate <n>',
      'requests per second of the latency phase',
      positiveInt(100_000),
      DEFAULT_ONLINE_BENCH.rate,
    )
    .option(
      '--latency-duration <s>',
      'seconds of each latency phase',
      positiveInt(3600),
      DEFAULT_ONLINE_BENCH.latencySeconds,
    )
    .option('--warmup <s>', 'seconds of warm-up', positiveInt(600), DEFAULT_ONLINE_BENCH.warmupSeconds)
    .option(
      '--rules <n>',
      'then load n active merchandising rules and measure saturation and latency again with them',
      positiveInt(10_000),
    )
    .option('--json', 'print one JSON object')
    .action(
      async (opts: {
        rules?: number;
        members: number;
        connections: number;
        duration: number;
        rate: number;
        latencyDuration: number;
        warmup: number;
        json?: boolean;
      }) => {
        // Progress goes to stderr so that --json leaves stdout to the result alone.
        const result = await runOnlineBench(
          config(),
          {
            members: opts.members,
            connections: opts.connections,
            saturationSeconds: opts.duration,
            rate: opts.rate,
            latencySeconds: opts.latencyDuration,
            warmupSeconds: opts.warmup,
            ...(opts.rules ? { rules: opts.rules } : {}),
          },
          (line) => console.error(line),
        );
        console.log(opts.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
      },
    );
}

/** `marquee bench overload`: the running online service offered twice its saturation rate. */
export function registerOverloadBench(bench: Command, config: () => MarqueeConfig): void {
  bench
    .command('overload')
    .description(
      "find the running online service's saturation rate (closed loop), offer twice that open loop with a " +
        '1 s client timeout, then measure how soon latency at a low rate is back to what it was before',
    )
    .option(
      '--members <n>',
      "members to request (m1..mN; past the demo's 200, members without history)",
      positiveInt(1_000_000),
      DEFAULT_OVERLOAD_BENCH.members,
    )
    .option(
      '--factor <x>',
      'offered rate as a multiple of the saturation rate',
      positiveNumber,
      DEFAULT_OVERLOAD_BENCH.factor,
    )
    .option(
      '--duration <s>',
      'seconds of the overload',
      positiveInt(3600),
      DEFAULT_OVERLOAD_BENCH.overloadSeconds,
    )
    .option(
      '--recovery <s>',
      'seconds of the low rate after the overload',
      positiveInt(600),
      DEFAULT_OVERLOAD_BENCH.recoverySeconds,
    )
    .option(
      '--sockets <n>',
      'connections the open-loop phases hold open (as a population of clients or a proxy would)',
      positiveInt(65_536),
      DEFAULT_OVERLOAD_BENCH.sockets,
    )
    .option('--json', 'print one JSON object')
    .action(
      async (opts: {
        members: number;
        factor: number;
        duration: number;
        recovery: number;
        sockets: number;
        json?: boolean;
      }) => {
        // Progress goes to stderr so that --json leaves stdout to the result alone.
        const result = await runOverloadBench(
          config(),
          {
            ...DEFAULT_OVERLOAD_BENCH,
            members: opts.members,
            factor: opts.factor,
            overloadSeconds: opts.duration,
            recoverySeconds: opts.recovery,
            sockets: opts.sockets,
          },
          (line) => console.error(line),
        );
        console.log(opts.json ? JSON.stringify(result) : JSON.stringify(result, null, 2));
      },
    );
}
