import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, TokenVerifier, mintToken } from './tokens';

const secret = 'a-test-secret-that-is-long-enough-32+';

describe('tokens', () => {
  it('a minted device token verifies to its member and role', async () => {
    const token = await mintToken({ role: 'device', memberId: 'm42' }, secret);
    assert.deepEqual(await new TokenVerifier({ secret }).verify(token), {
      subject: 'm42',
      role: 'device',
      memberId: 'm42',
    });
  });

  it('rejects tokens signed with another secret, expired, or malformed', async () => {
    const verifier = new TokenVerifier({ secret });
    const foreign = await mintToken({ role: 'operator' }, 'another-secret-that-is-long-enough-xx');
    await assert.rejects(verifier.verify(foreign), AuthError);
    const expired = await mintToken({ role: 'operator' }, secret, '-1s');
    await assert.rejects(verifier.verify(expired), /invalid token: .*exp/);
    await assert.rejects(verifier.verify('not.a.jwt'), AuthError);
  });

  it('a device token must name its member', async () => {
    await assert.rejects(mintToken({ role: 'device' }, secret), /needs the member/);
  });

  it('refuses short secrets', () => {
    assert.throws(() => new TokenVerifier({ secret: 'short' }), /at least 32 characters/);
  });
});
