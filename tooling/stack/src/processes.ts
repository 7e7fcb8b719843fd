import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where the stack keeps pid files and logs, under the state directory. */
export function stackPaths(stateDir: string, name: string) {
  return {
    pidFile: path.join(stateDir, 'run', `${name}.pid`),
    logFile: path.join(stateDir, 'logs', `${name}.log`),
  };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid recorded for a server we started, if that process is still alive. */
export function runningPid(pidFile: string): number | undefined {
  if (!fs.existsSync(pidFile)) return undefined;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 && isAlive(pid) ? pid : undefined;
}

/** Runs a fetch script to completion; its output names anything missing. */
export function runFetch(script: string, env: Record<string, string>): void {
  const result = spawnSync('bash', [script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(`${path.basename(script)} failed (exit ${String(result.status)}): ${output}`);
  }
}

/**
 * Starts a run script detached in its own process group, logging to `logFile`, and records its pid.
 * The group lets `stop` end the JVM or binary the script execs, and nothing else.
 */
export function startDetached(
  script: string,
  env: Record<string, string>,
  pidFile: string,
  logFile: string,
): number {
  return startDetachedProcess('bash', [script], env, pidFile, logFile);
}

/** Starts `command` detached in its own process group, logging to `logFile`, and records its pid. */
export function startDetachedProcess(
  command: string,
  args: string[],
  env: Record<string, string>,
  pidFile: string,
  logFile: string,
): number {
  fs.mkdirSync(path.dirname(pidFile), { recursive: true });
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'a');
  fs.writeSync(
    log,
    `\n=== ${new Date().toISOString()} starting ${path.basename(command === 'bash' && args[0] ? args[0] : command)} ===\n`,
  );
  const child = spawn(command, args, {
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  if (!child.pid) throw new Error(`could not spawn ${command} ${args.join(' ')}`);
  child.unref();
  fs.writeFileSync(pidFile, `${child.pid}\n`);
  return child.pid;
}

/** SIGTERM to the process group, then SIGKILL after `graceMs`. Resolves once it is gone. */
export async function stopGroup(pid: number, graceMs: number): Promise<'stopped' | 'killed'> {
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return 'stopped';
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  signal('SIGKILL');
  while (isAlive(pid)) await new Promise((resolve) => setTimeout(resolve, 100));
  return 'killed';
}

export function tailOf(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
