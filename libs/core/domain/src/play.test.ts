import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_PLAY_BYTES, decodePlay, isFinished, playSchema, type Play } from './play';
import { ValidationError, parseOrThrow } from './validation';

const good: Play = {
  eventId: 'e-1',
  userId: 'm42',
  itemId: 'i7',
  device: 'tv',
  timestamp: '2026-11-01T20:15:00Z',
  positionMs: 60_000,
  durationMs: 5_400_000,
};

const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('play validation', () => {
  it('accepts a well-formed play', () => {
    assert.deepEqual(decodePlay(bytes(good)), { ok: true, play: good });
  });

  it('names the missing field', () => {
    const { userId: _omit, ...withoutUser } = good;
    const decoded = decodePlay(bytes(withoutUser));
    assert.equal(decoded.ok, false);
    assert.match(!decoded.ok ? decoded.reason : '', /^userId: /);
  });

  it('rejects bad JSON, empty and oversized messages with a reason instead of throwing', () => {
    assert.deepEqual(decodePlay(null), { ok: false, reason: 'empty message' });
    const notJson = decodePlay(Buffer.from('{"eventId":'));
    assert.equal(notJson.ok, false);
    assert.match(!notJson.ok ? notJson.reason : '', /^not JSON/);
    const huge = decodePlay(Buffer.alloc(MAX_PLAY_BYTES + 1, 'x'));
    assert.match(!huge.ok ? huge.reason : '', /exceeds/);
  });

  it('rejects absurd timestamps: before 2000 and far in the future', () => {
    const old = decodePlay(bytes({ ...good, timestamp: '1970-01-01T00:00:00Z' }));
    assert.match(!old.ok ? old.reason : '', /timestamp: must not be before 2000/);
    const future = decodePlay(
      bytes({ ...good, timestamp: new Date(Date.now() + 2 * 3600_000).toISOString() }),
    );
    assert.match(!future.ok ? future.reason : '', /timestamp: must not be more than one hour in the future/);
  });

  it('rejects a position past the end, unknown devices, unsafe ids and unknown fields', () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...good, positionMs: good.durationMs + 1 }, /positionMs: must not exceed durationMs/],
      [{ ...good, device: 'toaster' }, /device: must be one of tv, mobile, web, tablet/],
      [{ ...good, userId: 'a b' }, /userId: must be 1-64 characters/],
      [{ ...good, extra: 1 }, /Unrecognized key/],
      [{ ...good, durationMs: -5 }, /durationMs: must be positive/],
    ];
    for (const [value, reason] of cases) {
      const decoded = decodePlay(bytes(value));
      assert.equal(decoded.ok, false, JSON.stringify(value));
      assert.match(!decoded.ok ? decoded.reason : '', reason);
    }
  });

  it('parseOrThrow names the path of every bad element of a batch', () => {
    assert.throws(
      () => parseOrThrow(playSchema.array(), [good, { ...good, itemId: '' }], 'plays'),
      (error: unknown) =>
        error instanceof ValidationError && error.issues.some((i) => i.startsWith('[1].itemId:')),
    );
  });

  it('a title played to within 5% of its end is finished', () => {
    assert.equal(isFinished({ positionMs: 96, durationMs: 100 }), true);
    assert.equal(isFinished({ positionMs: 50, durationMs: 100 }), false);
  });
});
