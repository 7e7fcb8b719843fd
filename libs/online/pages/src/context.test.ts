import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { contextWords, daypartOf, isTimeZone, pageContext } from './context';

describe('page context', () => {
  it('takes the hour in the member time zone for words and keeps UTC for the affinities', () => {
    const context = pageContext('tv', new Date('2026-11-22T20:30:00Z'), 'Asia/Tokyo');
    assert.equal(context.localHour, 5);
    assert.equal(context.utcHour, 20);
    assert.equal(context.daypart, 'morning');
    assert.equal(contextWords(pageContext('tv', new Date('2026-11-22T22:00:00Z'))), 'on TV tonight');
    assert.equal(
      contextWords(pageContext('mobile', new Date('2026-11-22T13:00:00Z'))),
      'on mobile this afternoon',
    );
  });

  it('knows IANA zones and rejects anything else', () => {
    assert.equal(isTimeZone('Europe/Berlin'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
    assert.equal(isTimeZone(''), false);
  });

  it('splits the day into dayparts', () => {
    assert.deepEqual([4, 5, 11, 12, 16, 17, 20, 21, 23].map(daypartOf), [
      'night',
      'morning',
      'morning',
      'afternoon',
      'afternoon',
      'evening',
      'evening',
      'night',
      'night',
    ]);
  });
});
