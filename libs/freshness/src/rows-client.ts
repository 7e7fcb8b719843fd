import http from 'node:http';
import { mintToken } from '@marquee/auth';

/** The part of `GET /v1/users/:id/rows` the benchmark reads. */
export interface RowsAnswer {
  variant?: { name: string; list?: string };
  rows: Array<{ id: string; list?: string; items: Array<{ itemId: string }> }>;
}

const CONTINUE_WATCHING = 'continue-watching';
const TOP_PICKS = 'top-picks';

/**
 * Reads members' pages as their devices do: a device token per member (minted once, locally), over
 * kept-alive connections. node:http rather than fetch: the benchmark polls pages on the machine it
 * measures, and fetch cost it about twice the CPU per page.
 */
export class RowsClient {
  private readonly tokens = new Map<string, Promise<string>>();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  private readonly origin: URL;

  constructor(
    api: string,
    private readonly secret: string,
  ) {
    this.origin = new URL(api);
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
    this.agent.destroy();
  }

  private get(path: string, token: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const request = http.get(
        {
          host: this.origin.hostname,
          port: this.origin.port,
          path,
          agent: this.agent,
          headers: { authorization: `Bearer ${token}` },
          timeout: 5000,
        },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`GET ${path} timed out after 5 s`)));
      request.on('error', reject);
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
