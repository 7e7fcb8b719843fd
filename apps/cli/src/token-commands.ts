import { type Command, InvalidArgumentError } from 'commander';
import { ROLES, mintToken, type Role } from '@marquee/auth';
import type { MarqueeConfig } from '@marquee/config';
import { ID_PATTERN, ValidationError } from '@marquee/domain';
import { oneOf } from './options';

function memberId(value: string): string {
  if (!ID_PATTERN.test(value))
    throw new InvalidArgumentError(`expected a member id (1-64 letters, digits, _ . : -), got '${value}'`);
  return value;
}

function lifetime(value: string): string {
  if (!/^[1-9]\d{0,5}[smhdw]$/.test(value))
    throw new InvalidArgumentError(`expected a duration such as 30m, 12h or 7d, got '${value}'`);
  return value;
}

/** `marquee token`: a local API token (HS256 with MARQUEE_JWT_SECRET), alone on the last line. */
export function registerTokenCommands(program: Command, config: () => MarqueeConfig): void {
  program
    .command('token')
    .description('mint a local API token for the online service; the token is alone on the last line')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`, oneOf(ROLES))
    .option('--user <member>', 'the member a device token acts for (required with --role device)', memberId)
    .option('--subject <name>', 'who the token is for (default: the member, or the role)')
    .option('--expires <duration>', 'lifetime, e.g. 30m, 12h, 7d', lifetime, '12h')
    .action(async (opts: { role: Role; user?: string; subject?: string; expires: string }) => {
      if (opts.role === 'device' && !opts.user)
        throw new ValidationError(
          ['--user: a device token acts for one member; name it, e.g. --user 42'],
          'flags',
        );
      if (opts.role !== 'device' && opts.user)
        throw new ValidationError(
          [`--user: only device tokens act for a member (this is --role ${opts.role})`],
          'flags',
        );
      const c = config();
      const token = await mintToken(
        {
          role: opts.role,
          ...(opts.user ? { memberId: opts.user } : {}),
          ...(opts.subject ? { subject: opts.subject } : {}),
        },
        c.auth.secret,
        opts.expires,
      );
      if (c.auth.jwksUrl)
        console.error(
          'marquee: note: this environment verifies tokens with MARQUEE_JWKS_URL; this HS256 token works only where the secret is configured',
        );
      console.log(
        `# ${opts.role} token${opts.user ? ` for member ${opts.user}` : ''}, valid ${opts.expires}: ` +
          `curl -H "Authorization: Bearer <token>" http://${c.host}:${c.online.port}/…`,
      );
      console.log(token);
    });
}
