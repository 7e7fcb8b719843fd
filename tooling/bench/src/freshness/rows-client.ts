import { Pool } from 'undici';
import { mintToken } from '@marquee/auth';

/** The part of `GET /v1/users/:id/rows` the benchmark reads. */
export interface RowsAnswer {
  variant?: { name: string; list?: string };
  rows: Array<{ id: string; list?: string; items: Array<{ itemId: string }> }>;
}

const CONTINUE_WATCHING = 'continue-watching';
const TOP_PICKS = 'top-picks';

/** A page read unanswered this long fails (and the sample retries it until its own timeout). */
const READ_TIMEOUT_MS = 5000;

/**
 * Reads members' pages as their devices do: a device token per member (minted once, locally), over
 * kept-alive connections. The benchmark polls pages on the machine it measures, so the client is
 * undici's pool driven by `dispatch`: no request or response streams, the body kept as the bytes
 * that came. node:http's streams made the polls about 60 % of the benchmark's own CPU at 500
 * plays/s (fetch cost about twice node:http).
 */
export class RowsClient {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly pool: Pool;

  constructor(
    api: string,
    private readonly secret: string,
  ) {
    this.pool = new Pool(new URL(api).origin, {
      connections: 64,
      headersTimeout: READ_TIMEOUT_MS,
      bodyTimeout: READ_TIMEOUT_MS,
    });
  }

  async page(memberId: string): Promise<RowsAnswer> {
    let token = this.tokens.get(memberId);
    if (!token) {
      token = mintToken({ role: 'device', memberId }, this.secret);
      this.tokens.set(memberId, token);
    }
    const path = `/v1/users/${encodeURIComponent(memberId)}/rows?itemsPerRow=20`;
    const { status, body } = await this.get(path, await token);
    if (status !== 200) throw new Error(`GET rows of ${memberId} answered ${status}: ${body.slice(0, 200)}`);
    return JSON.parse(body) as RowsAnswer;
  }

  close(): void {
    void this.pool.destroy().catch(() => undefined);
  }

  private get(path: string, token: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      let status = 0;
      const chunks: Buffer[] = [];
      this.pool.dispatch(
        { method: 'GET', path, headers: { authorization: `Bearer ${token}` } },
        {
          onConnect: () => undefined,
          onError: reject,
          onHeaders: (statusCode) => {
            status = statusCode;
            return true;
          },
          onData: (chunk) => {
            chunks.push(chunk);
            return true;
          },
          onComplete: () => resolve({ status, body: Buffer.concat(chunks).toString('utf8') }),
        },
      );
    });
  }
}

const row = (page: RowsAnswer, id: string) => page.rows.find((r) => r.id === id);

/** A title of the member's Top picks that is not in Continue watching: what a sampled play starts. */
export function titleToPlay(page: RowsAnswer): string | undefined {
  const started = new Set(row(page, CONTINUE_WATCHING)?.items.map((i) => i.itemId) ?? []);
  return row(page, TOP_PICKS)?.items.find((i) => !started.has(i.itemId))?.itemId;
}

/** The page reflects a play of `itemId`: the title is in Continue watching and gone from Top picks. */
export function reflects(page: RowsAnswer, itemId: string): boolean {
  const inContinue = row(page, CONTINUE_WATCHING)?.items.some((i) => i.itemId === itemId) ?? false;
  const inTopPicks = row(page, TOP_PICKS)?.items.some((i) => i.itemId === itemId) ?? false;
  return inContinue && !inTopPicks;
}

/** Whether the page's Top picks are the member's own list (a registration), not the popular fallback. */
export function personalTopPicks(page: RowsAnswer, registrations: ReadonlySet<string>): boolean {
  const picks = row(page, TOP_PICKS);
  return !!picks && picks.items.length > 0 && registrations.has(picks.list ?? page.variant?.name ?? '');
}
