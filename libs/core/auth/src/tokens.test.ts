import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AuthError, TokenVerifier, mintToken } from './tokens';
import { VerifiedTokens } from './verified-tokens';
import { ForbiddenError, requireMember, requireRole } from './access';

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

describe('verified tokens and access rules', () => {
  it('checks a token once and answers from memory until it expires', async () => {
    let checks = 0;
    const inner = new TokenVerifier({ secret });
    const tokens = new VerifiedTokens({
      verifyDetailed: (token) => {
        checks += 1;
        return inner.verifyDetailed(token);
      },
    });
    const token = await mintToken({ role: 'device', memberId: 'm7' }, secret, '1h');
    assert.equal((await tokens.verify(token)).memberId, 'm7');
    assert.equal((await tokens.verify(token)).memberId, 'm7');
    assert.equal(checks, 1);
    // Past its expiry the cached answer is not used: the token is checked again.
    await tokens.verify(token, Date.now() + 2 * 3600_000);
    assert.equal(checks, 2);
    await assert.rejects(tokens.verify('not.a.jwt'), AuthError);
  });

  it('a device acts for its own member only; roles are checked by name', () => {
    const device = { subject: 'm1', role: 'device' as const, memberId: 'm1' };
    assert.doesNotThrow(() => requireMember(device, 'm1', 'read the rows'));
    assert.throws(() => requireMember(device, 'm2', 'read the rows'), ForbiddenError);
    assert.doesNotThrow(() => requireMember({ subject: 'ops', role: 'operator' }, 'm2', 'read the rows'));
    assert.throws(
      () => requireRole(device, ['operator'], 'GET /v1/admin/models'),
      /a device token may not GET \/v1\/admin\/models; this needs one of: operator/,
    );
  });
});
