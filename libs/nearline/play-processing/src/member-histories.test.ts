import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PlaysRepository, StoredPlay } from '@marquee/storage';
import type { Play } from '@marquee/domain';
import { MemberHistories, insertPlays, storedPlay } from './member-histories';

const play = (eventId: string, at: string, itemId = 'i1'): Play => ({
  eventId,
  userId: 'm',
  itemId,
  device: 'tv',
  timestamp: at,
  positionMs: 1,
  durationMs: 10,
});

/** `history` with `plays` stored into it (a copy; see insertPlays). */
const mergeHistory = (history: readonly StoredPlay[], plays: readonly Play[], limit: number): StoredPlay[] =>
  insertPlays(history.slice(), plays, limit);

describe('member histories kept in process', () => {
  it('merges new plays as the partition orders them: newest first, event id ascending, capped', () => {
    const history = [play('b', '2026-01-02T00:00:00Z'), play('a', '2026-01-01T00:00:00Z')].map(storedPlay);
    const merged = mergeHistory(
      history,
      [
        play('d', '2026-01-03T00:00:00Z'),
        play('c', '2026-01-02T00:00:00Z'),
        play('b', '2026-01-02T00:00:00Z'),
      ],
      3,
    );
    assert.deepEqual(
      merged.map((p) => p.eventId),
      ['d', 'b', 'c'],
    );
  });

  it('reads a member once, then answers from memory until cleared', async () => {
    let reads = 0;
    const repository = {
      recent: async () => {
        reads += 1;
        return [storedPlay(play('a', '2026-01-01T00:00:00Z'))];
      },
    } as unknown as PlaysRepository;
    const histories = new MemberHistories(repository, 2);
    const [first, second] = await Promise.all([histories.get('m'), histories.get('m')]);
    assert.equal(first, second);
    assert.equal(reads, 1);
    histories.set('m', mergeHistory(first, [play('b', '2026-01-02T00:00:00Z')], 2));
    assert.deepEqual(
      (await histories.get('m')).map((p) => p.eventId),
      ['b', 'a'],
    );
    assert.equal(reads, 1);
    histories.clear();
    await histories.get('m');
    assert.equal(reads, 2);
  });

  it('says which plays it holds, and which may be stored beyond a full history', () => {
    const histories = new MemberHistories({} as PlaysRepository, 2);
    const full: StoredPlay[] = [play('b', '2026-01-02T00:00:00Z'), play('a', '2026-01-01T00:00:00Z')].map(
      storedPlay,
    );
    assert.equal(histories.holds(full, play('a', '2026-01-01T00:00:00Z')), true);
    assert.equal(histories.holds(full, play('z', '2026-01-01T00:00:00Z')), false);
    assert.equal(histories.mayBeOlderThanKept(full, play('z', '2025-12-01T00:00:00Z')), true);
    assert.equal(histories.mayBeOlderThanKept(full, play('z', '2026-01-05T00:00:00Z')), false);
    assert.equal(histories.mayBeOlderThanKept(full.slice(0, 1), play('z', '2025-12-01T00:00:00Z')), false);
  });
});
