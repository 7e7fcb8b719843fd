import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MATURITY_RATINGS } from './catalog';
import { lowestMaturityFor, maySee, profileSchema } from './profile';
import { ValidationError, parseOrThrow } from './validation';

describe('member profiles', () => {
  it('kids see G and PG, teen up to PG-13, adult every rating', () => {
    const seen = (maturity: 'kids' | 'teen' | 'adult') => MATURITY_RATINGS.filter((r) => maySee(maturity, r));
    assert.deepEqual(seen('kids'), ['G', 'PG']);
    assert.deepEqual(seen('teen'), ['G', 'PG', 'PG-13']);
    assert.deepEqual(seen('adult'), [...MATURITY_RATINGS]);
  });

  it('an unrated title is for adults only', () => {
    assert.equal(lowestMaturityFor(undefined), 'adult');
    assert.equal(maySee('kids', undefined), false);
    assert.equal(maySee('teen', undefined), false);
    assert.equal(maySee('adult', undefined), true);
  });

  it('a profile names its bad fields', () => {
    assert.deepEqual(parseOrThrow(profileSchema, { maturity: 'kids', region: 'DE' }, 'body'), {
      maturity: 'kids',
      region: 'DE',
    });
    assert.throws(
      () => parseOrThrow(profileSchema, { maturity: 'toddler', region: 'de', extra: 1 }, 'body'),
      (error: ValidationError) =>
        error.issues.some((i) => i.startsWith('maturity: must be one of kids, teen, adult')) &&
        error.issues.some((i) => i.startsWith('region: must be an ISO 3166-1 alpha-2')) &&
        error.issues.some((i) => i.includes('extra')),
    );
    assert.throws(() => parseOrThrow(profileSchema, {}, 'body'), /maturity/);
  });
});
