import type { MarqueeConfig } from '@marquee/config';
import { AppSupervisor, LocalStack, isAlive, runningPid, stackPaths, type ServerName } from '@marquee/stack';

/** Every process the fault matrix kills: the four servers and the three apps. */
export const SERVER_FAULTS = ['memcached', 'temporal', 'kafka', 'cassandra'] as const;
export const APP_FAULTS = ['nearline', 'online', 'offline-worker'] as const;
export const FAULTS = [...SERVER_FAULTS, ...APP_FAULTS] as const;
export type FaultName = (typeof FAULTS)[number];

/** The default order: quick restarts first, Cassandra (about 40 s to start here) last. */
export const DEFAULT_FAULTS: FaultName[] = [
  'memcached',
  'nearline',
  'online',
  'offline-worker',
  'temporal',
  'kafka',
  'cassandra',
];

const isServer = (fault: FaultName): fault is ServerName =>
  (SERVER_FAULTS as readonly string[]).includes(fault);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function killGroup(pid: number): void {
  // Servers run in a process group of their own (the run script execs the server); apps are children.
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
}

async function waitGone(pid: number, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (isAlive(pid)) {
    if (Date.now() > deadline) throw new Error(`${what} (pid ${pid}) still alive 10 s after SIGKILL`);
    await sleep(50);
  }
}

/**
 * Kills one process of the stack with SIGKILL and starts it again through the stack code: servers by
 * the pid files of the state directory and `LocalStack.up`, apps by the children of the supervisor
 * that started them (one replica of a tier of several, as a machine of a fleet dies). Only what this stack started can be killed, so a run never reaches servers
 * of another state directory.
 */
export class FaultInjector {
  /** The instance each app fault killed, to start that one again. */
  private readonly killed = new Map<FaultName, string>();

  constructor(
    private readonly config: MarqueeConfig,
    private readonly apps: AppSupervisor,
    private readonly log: (line: string) => void,
  ) {}

  /** Names the faults that cannot run here, with why, before any load starts. */
  unavailable(faults: readonly FaultName[]): string[] {
    return faults.flatMap((fault) => {
      if (isServer(fault)) {
        const { pidFile } = stackPaths(this.config.stateDir, fault);
        return runningPid(pidFile)
          ? []
          : [`${fault}: not started by the stack of ${this.config.stateDir} (no live pid in ${pidFile})`];
      }
      return this.appProcess(fault)
        ? []
        : [`${fault}: already running on its port, not started by this run, so it cannot be killed`];
    });
  }

  async kill(fault: FaultName): Promise<void> {
    if (isServer(fault)) {
      const pid = runningPid(stackPaths(this.config.stateDir, fault).pidFile);
      if (!pid) throw new Error(`${fault} is not running under ${this.config.stateDir}`);
      killGroup(pid);
      await waitGone(pid, fault);
      return;
    }
    const app = this.appProcess(fault);
    const child = app?.child;
    if (!app || !child?.pid) throw new Error(`${fault} was not started by this run`);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
    this.killed.set(fault, app.spec.instance);
    // The supervisor forgets the dead child, so stopping it later does not wait on its exit.
    const index = this.apps.apps.indexOf(app);
    if (index >= 0) this.apps.apps.splice(index, 1);
  }

  /** The process a fault kills: the server, or the app's first replica (the others keep serving). */
  victim(fault: FaultName): string {
    return isServer(fault) ? fault : (this.appProcess(fault)?.spec.instance ?? fault);
  }

  /** Starts the killed process again and resolves once it answers its health check. */
  async restart(fault: FaultName): Promise<void> {
    if (isServer(fault)) await new LocalStack(this.config, this.log).up([fault]);
    else await this.apps.startInstance(this.killed.get(fault) ?? fault);
  }

  /** An app process this run started and that is alive: the tier's first replica, never the proxy. */
  private appProcess(name: FaultName) {
    return this.apps.apps.find(
      (a) =>
        a.spec.name === name &&
        a.spec.instance !== 'online-proxy' &&
        a.child &&
        a.child.exitCode === null &&
        a.child.signalCode === null,
    );
  }
}
