import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ruleSchema } from './rules';
import { formatIssues } from './validation';

const issues = (value: unknown) => {
  const result = ruleSchema.safeParse(value);
  return result.success ? [] : formatIssues(result.error);
};

describe('a merchandising rule', () => {
  it('accepts each action in its shape', () => {
    for (const rule of [
      { action: 'block', genres: ['Horror'], regions: ['DE'], devices: ['tv'] },
      { action: 'pin', items: ['t1'], rows: ['top-picks', 'genre:drama'], position: 1 },
      { action: 'boost', items: ['t1'], weight: 1.5, startsAt: '2026-12-01', endsAt: '2026-12-02' },
      { action: 'bury', genres: ['Drama'], weight: 0.5, note: 'rights problem' },
    ])
      assert.deepEqual(issues(rule), [], JSON.stringify(rule));
  });

  it('names the field that is wrong', () => {
    const first = (value: unknown) => issues(value)[0] ?? '';
    assert.match(first({ action: 'hide', items: ['t1'] }), /^action: must be one of pin, boost, bury, block/);
    assert.match(first({ action: 'block' }), /^items: a rule needs items or genres/);
    assert.match(first({ action: 'pin', items: ['t1'] }), /^position: a pin needs a position/);
    assert.match(first({ action: 'pin', items: ['t1'], position: 51 }), /^position: must be at most 50/);
    assert.match(
      first({ action: 'boost', items: ['t1'], weight: 0.5 }),
      /^weight: a boost multiplies by more than 1/,
    );
    assert.match(
      first({ action: 'bury', items: ['t1'], weight: 2 }),
      /^weight: a bury multiplies by less than 1/,
    );
    assert.match(first({ action: 'bury', items: ['t1'], weight: 0 }), /^weight: must be greater than 0/);
    assert.match(first({ action: 'block', items: ['t1'], regions: ['usa'] }), /^regions\[0\]: /);
    assert.match(
      first({ action: 'block', items: ['t1'], devices: ['fridge'] }),
      /^devices\[0\]: must be one of/,
    );
    assert.match(
      first({ action: 'pin', items: ['t1'], position: 1, rows: ['home'] }),
      /^rows\[0\]: must be a row id/,
    );
    assert.match(
      first({ action: 'block', items: ['t1'], startsAt: '2026-12-02', endsAt: '2026-12-01' }),
      /^endsAt: must be after startsAt/,
    );
    assert.match(first({ action: 'block', items: ['t1'], colour: 'red' }), /colour/);
    assert.match(first({ action: 'pin', items: ['t1'], genres: ['Drama'], position: 1 }), /genres/);
    assert.match(first({ action: 'block', items: ['t1', 't1'] }), /^items: must not repeat an entry/);
  });
});
