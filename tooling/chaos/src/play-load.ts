import type { Producer } from 'kafkajs';
import { DEVICES, type Play } from '@marquee/domain';
import { publishPlays, type Topics } from '@marquee/kafka';
import type { AcceptedPlays } from './ledger';

/** Sends one batch; resolves once the platform accepted it, throws to have it sent again. */
type Send = (plays: Play[]) => Promise<void>;

export interface PlayLoadOptions {
  /** Prefix of every event id of this load, so a fault's plays are told from every other. */
  eventPrefix: string;
  members: readonly string[];
  titles: readonly string[];
  batch: number;
  intervalMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Steady plays as a real producer sends them: a batch every `intervalMs`, each sent again with the
 * SAME event ids until the platform accepts it (503, timeouts and refused connections alike), one
 * batch at a time, so an outage holds the producer back rather than skipping plays.
 */
export class PlayLoad {
  private running = false;
  private loop?: Promise<void>;
  private seq = 0;
  /** Sends that failed and were retried. */
  retries = 0;
  /** Batches given up on when the load stopped (never accepted, so never promised). */
  abandoned = 0;

  constructor(
    private readonly send: Send,
    private readonly ledger: AcceptedPlays,
    private readonly options: PlayLoadOptions,
  ) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  /** Stops making batches; the batch in flight keeps trying until `drainMs` have passed. */
  async stop(drainMs: number): Promise<void> {
    this.running = false;
    this.drainUntil = Date.now() + drainMs;
    await this.loop;
  }

  private drainUntil = Number.POSITIVE_INFINITY;

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      const plays = this.nextBatch();
      let backoff = 200;
      for (;;) {
        try {
          await this.send(plays);
          const at = Date.now();
          for (const play of plays) this.ledger.accept(play.userId, play.eventId, at);
          break;
        } catch {
          if (!this.running && Date.now() > this.drainUntil) {
            this.abandoned += 1;
            break;
          }
          this.retries += 1;
          await sleep(backoff);
          backoff = Math.min(backoff * 2, 1000);
        }
      }
      await sleep(Math.max(0, this.options.intervalMs - (Date.now() - started)));
    }
  }

  private nextBatch(): Play[] {
    const { members, titles, eventPrefix, batch } = this.options;
    return Array.from({ length: batch }, () => {
      const n = this.seq++;
      const durationMs = 45 * 60_000;
      return {
        eventId: `${eventPrefix}-${n}`,
        userId: members[n % members.length] as string,
        itemId: titles[(n * 7919) % titles.length] as string,
        device: DEVICES[n % DEVICES.length] as Play['device'],
        timestamp: new Date().toISOString(),
        positionMs: (n % 45) * 60_000,
        durationMs,
      };
    });
  }
}

/** Plays through `POST /v1/plays` with a producer token; accepted on 202 naming every event id. */
export function httpSender(api: string, token: string, timeoutMs: number): Send {
  return async (plays) => {
    const response = await fetch(`${api}/v1/plays`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ plays }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await response.text();
    if (response.status !== 202) throw new Error(`POST /v1/plays answered ${response.status}: ${body}`);
    const accepted = new Set((JSON.parse(body) as { accepted: string[] }).accepted);
    const missing = plays.filter((p) => !accepted.has(p.eventId));
    // A 202 that leaves plays out would break the contract; such a batch is never counted accepted.
    if (missing.length > 0)
      throw new Error(`POST /v1/plays accepted ${accepted.size} of ${plays.length} plays`);
  };
}

/** Plays through the library producer; accepted once every in-sync replica has them. */
export function kafkaSender(producer: Producer, topics: Topics, ackTimeoutMs: number): Send {
  return (plays) => publishPlays(producer, topics, plays, ackTimeoutMs);
}
