import { mintToken } from '@marquee/auth';

/** How a device's reads of its page went. */
export interface RowsTally {
  rows2xx: number;
  /** 2xx pages that say a store fell back (`degraded`): allowed, and counted apart. */
  rowsDegraded: number;
  rows4xx: number;
  rows5xx: number;
  /** No answer within the client's deadline, or no connection at all. */
  unanswered: number;
}

export const emptyTally = (): RowsTally => ({
  rows2xx: 0,
  rowsDegraded: 0,
  rows4xx: 0,
  rows5xx: 0,
  unanswered: 0,
});

/** One read of a member's page as its device makes it, with the device's deadline. */
export class PageReader {
  private readonly tokens = new Map<string, Promise<string>>();

  constructor(
    private readonly api: string,
    private readonly secret: string,
    private readonly deadlineMs: number,
  ) {}

  async read(memberId: string): Promise<{ status: number; degraded: boolean } | 'unanswered'> {
    let token = this.tokens.get(memberId);
    if (!token) this.tokens.set(memberId, (token = mintToken({ role: 'device', memberId }, this.secret)));
    try {
      const response = await fetch(
        `${this.api}/v1/users/${encodeURIComponent(memberId)}/rows?device=tv&itemsPerRow=10`,
        { headers: { authorization: `Bearer ${await token}` }, signal: AbortSignal.timeout(this.deadlineMs) },
      );
      const body = await response.text();
      const degraded =
        response.status === 200 && (JSON.parse(body) as { degraded?: boolean }).degraded === true;
      return { status: response.status, degraded };
    } catch {
      return 'unanswered';
    }
  }
}

/**
 * Reads members' pages at a steady rate, each read on its own (a slow answer never delays the next
 * read), and tallies the answers.
 */
export class RowsLoad {
  tally = emptyTally();
  /** Answers by status code (or `unanswered`), for the progress line. */
  readonly answers: Record<string, number> = {};
  private timer?: NodeJS.Timeout;
  private readonly inFlight = new Set<Promise<void>>();
  private next = 0;

  constructor(
    private readonly reader: PageReader,
    private readonly members: readonly string[],
    private readonly perSecond: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.readOne(), 1000 / this.perSecond);
  }

  /** Stops reading and waits for the reads in flight (each bounded by the deadline). */
  async stop(): Promise<RowsTally> {
    clearInterval(this.timer);
    await Promise.all(this.inFlight);
    return this.tally;
  }

  private readOne(): void {
    const member = this.members[this.next++ % this.members.length] as string;
    const read = this.reader.read(member).then((answer) => {
      const t = this.tally;
      const key = answer === 'unanswered' ? answer : String(answer.status);
      this.answers[key] = (this.answers[key] ?? 0) + 1;
      if (answer === 'unanswered') t.unanswered += 1;
      else if (answer.status >= 500) t.rows5xx += 1;
      else if (answer.status >= 400) t.rows4xx += 1;
      else {
        t.rows2xx += 1;
        if (answer.degraded) t.rowsDegraded += 1;
      }
    });
    this.inFlight.add(read);
    void read.finally(() => this.inFlight.delete(read));
  }
}
