import type { Command } from 'commander';
import type { MarqueeConfig } from '@marquee/config';
import { LocalStack, type ServerName, type ServerStatus } from '@marquee/stack';
import { serverList } from './options';

const SERVERS: ServerName[] = ['memcached', 'temporal', 'kafka', 'cassandra'];

function printStatus(servers: ServerStatus[]): void {
  for (const s of servers) {
    const ports = Object.entries(s.ports)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    const who = s.pid ? `pid ${s.pid}` : s.state === 'external' ? 'not started by marquee' : '';
    console.log(
      `${s.name.padEnd(10)} ${s.state.padEnd(9)} ${ports.padEnd(36)} ${who}  ${s.health ?? s.error ?? ''}`,
    );
    console.log(`${''.padEnd(10)} log: ${s.logFile}`);
  }
}

export function registerStackCommands(program: Command, config: () => MarqueeConfig): void {
  const stack = program
    .command('stack')
    .description('the local Kafka, Cassandra, Temporal and memcached servers');
  stack
    .command('up')
    .description('fetch (first run) and start the servers; waits on real health checks; idempotent')
    .option('--only <servers>', `comma-separated subset of ${SERVERS.join(',')}`, serverList(SERVERS))
    .option('--json', 'print one JSON object')
    .action(async (opts: { only?: ServerName[]; json?: boolean }) => {
      const local = new LocalStack(config(), opts.json ? () => undefined : (line) => console.log(line));
      const result = await local.up(opts.only);
      if (opts.json) console.log(JSON.stringify(result));
      else printStatus(result.servers);
    });
  stack
    .command('down')
    .description('stop the servers this stack started (never ones it did not start)')
    .option('--only <servers>', `comma-separated subset of ${SERVERS.join(',')}`, serverList(SERVERS))
    .action(async (opts: { only?: ServerName[] }) => {
      const stopped = await new LocalStack(config(), (line) => console.log(line)).down(opts.only);
      console.log(stopped.length ? `stopped: ${stopped.join(', ')}` : 'nothing to stop');
    });
  stack
    .command('status')
    .description('state, ports, health and logs of each server')
    .option('--json', 'print one JSON object')
    .action(async (opts: { json?: boolean }) => {
      const servers = await new LocalStack(config()).status();
      if (opts.json) console.log(JSON.stringify({ servers }));
      else printStatus(servers);
    });
}
