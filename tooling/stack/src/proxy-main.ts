import { parseBackend, startRoundRobinProxy } from './proxy';

/**
 * The local round-robin proxy as a process of its own (`stack up --replicas online=N` starts it):
 *   node proxy-main.js --listen 127.0.0.1:3000 --backend online-1=http://127.0.0.1:3003 ...
 */
async function main(argv: string[]): Promise<void> {
  let listen = '';
  const backends = [];
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value = ''] = [argv[i], argv[i + 1]];
    if (flag === '--listen') listen = value;
    else if (flag === '--backend') backends.push(parseBackend(value));
    else
      throw new Error(
        `unknown argument '${String(flag)}'; expected --listen host:port and --backend name=url`,
      );
  }
  const match = /^(.+):(\d+)$/.exec(listen);
  if (!match) throw new Error(`--listen: expected host:port, got '${listen}'`);
  const log = (line: string) => console.log(`${new Date().toISOString()} proxy: ${line}`);
  const proxy = await startRoundRobinProxy({
    host: match[1] as string,
    port: Number(match[2]),
    backends,
    log,
  });
  log(`listening on ${listen}, round robin over ${backends.map((b) => `${b.name} ${b.url}`).join(', ')}`);
  const stop = () => void proxy.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(`proxy: ${(error as Error).message}`);
  process.exit(1);
});
