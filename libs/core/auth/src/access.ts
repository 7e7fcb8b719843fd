import type { Principal, Role } from './tokens';

/** The caller is known but may not do this: another member's data, or the wrong role (HTTP 403). */
export class ForbiddenError extends Error {}

/** Throws unless the principal's role is one of `roles`, naming what would be allowed. */
export function requireRole(principal: Principal, roles: readonly Role[], action: string): void {
  if (!roles.includes(principal.role))
    throw new ForbiddenError(
      `a ${principal.role} token may not ${action}; this needs one of: ${roles.join(', ')}`,
    );
}

/**
 * A device acts for its own member only; other roles that reach a member's data (operators, producers
 * posting plays) act for any member.
 */
export function requireMember(principal: Principal, memberId: string, action: string): void {
  if (principal.role === 'device' && principal.memberId !== memberId)
    throw new ForbiddenError(
      `this device token acts for member ${principal.memberId ?? '?'}; it may not ${action} of member ${memberId}`,
    );
}
