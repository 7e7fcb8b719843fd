import fs from 'node:fs';
import os from 'node:os';
import type { Command } from 'commander';
import { mintToken } from '@marquee/auth';
import type { MarqueeConfig } from '@marquee/config';
import { ID_PATTERN, ValidationError, type RuleChange, type StoredRule } from '@marquee/domain';

interface Connection {
  url: string;
  token: string;
}

interface RulesFlags {
  url?: string;
  token?: string;
}

/**
 * The online API's address and an operator token: the one given, or a local one minted with
 * MARQUEE_JWT_SECRET whose subject is the person running the command (the audit trail names it).
 */
async function connection(config: MarqueeConfig, flags: RulesFlags): Promise<Connection> {
  const url = (flags.url ?? `http://${config.host}:${config.online.port}`).replace(/\/+$/, '');
  if (flags.token) return { url, token: flags.token };
  if (config.auth.jwksUrl)
    throw new ValidationError(
      ['--token: this environment verifies tokens with MARQUEE_JWKS_URL; pass an operator token'],
      'flags',
    );
  const token = await mintToken(
    { role: 'operator', subject: os.userInfo().username },
    config.auth.secret,
    '10m',
  );
  return { url, token };
}

/** One call to the rules API; a refusal becomes an error naming what the server said. */
async function call<T>(
  connection: Connection,
  method: string,
  path: string,
  body?: unknown,
): Promise<T | null> {
  let response: Response;
  try {
    response = await fetch(`${connection.url}/v1/admin/rules${path}`, {
      method,
      headers: {
        authorization: `Bearer ${connection.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    throw new Error(
      `the online service at ${connection.url} did not answer (${(error as Error).message}); start it (marquee start) or pass --url`,
    );
  }
  const text = await response.text();
  const answer = text ? (JSON.parse(text) as Record<string, unknown>) : null;
  if (response.status === 400)
    throw new ValidationError(
      (answer?.['issues'] as string[] | undefined) ?? [String(answer?.['message'])],
      'rule',
    );
  if (response.status === 404) return null;
  if (!response.ok)
    throw new Error(
      `${method} /v1/admin/rules${path} answered ${response.status}: ${String(answer?.['message'] ?? text)}`,
    );
  // A 204 (a delete) has no body: still an answer, unlike a 404.
  return (answer ?? {}) as T;
}

function ruleId(value: string): string {
  if (!ID_PATTERN.test(value))
    throw new ValidationError(
      [`<id>: expected a rule id (1-64 letters, digits, _ . : -), got '${value}'`],
      'arguments',
    );
  return value;
}

/** The rule from --file or --json, parsed; the server validates its fields. */
function ruleBody(flags: { file?: string; json?: string }): unknown {
  if ((flags.file === undefined) === (flags.json === undefined))
    throw new ValidationError(['--file or --json: give exactly one'], 'flags');
  const [where, text] =
    flags.file !== undefined
      ? [flags.file, fs.existsSync(flags.file) ? fs.readFileSync(flags.file, 'utf8') : null]
      : ['--json', flags.json as string];
  if (text === null) throw new ValidationError([`--file: ${where} does not exist`], 'flags');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new ValidationError([`${where}: not JSON (${(error as Error).message})`], 'rule');
  }
}

/** One line per rule: what it does, to what, where and when. */
function describe({ id, version, rule, actor, updatedAt }: StoredRule): string {
  const what = [
    rule.items ? `items ${rule.items.join(',')}` : '',
    rule.genres ? `genres ${rule.genres.join(',')}` : '',
    rule.rows ? `rows ${rule.rows.join(',')}` : '',
    rule.position !== undefined ? `position ${rule.position}` : '',
    rule.weight !== undefined ? `weight ${rule.weight}` : '',
    rule.devices ? `devices ${rule.devices.join(',')}` : '',
    rule.regions ? `regions ${rule.regions.join(',')}` : '',
    rule.startsAt ? `from ${rule.startsAt}` : '',
    rule.endsAt ? `until ${rule.endsAt}` : '',
  ].filter(Boolean);
  return `${id}  v${version}  ${rule.action}  ${what.join('  ')}  (${actor}, ${updatedAt})`;
}

const withConnection = (command: Command) =>
  command
    .option('--url <url>', 'the online API (default: http://MARQUEE_HOST:MARQUEE_ONLINE_PORT)')
    .option(
      '--token <jwt>',
      'an operator token (default: a local one for you, signed with MARQUEE_JWT_SECRET)',
    );

/** `marquee rules`: merchandising rules through the online API, so validation and audit are the API's. */
export function registerRulesCommands(program: Command, config: () => MarqueeConfig): void {
  const rules = program
    .command('rules')
    .description('merchandising rules: block, pin, boost and bury titles on members’ pages');

  withConnection(rules.command('list').description('every rule in force and the version of the rule set'))
    .option('--json', 'print the API’s answer as JSON')
    .action(async (flags: RulesFlags & { json?: boolean }) => {
      const answer = await call<{ version: number; rules: StoredRule[] }>(
        await connection(config(), flags),
        'GET',
        '',
      );
      if (flags.json) return console.log(JSON.stringify(answer));
      console.log(`rules version ${answer?.version ?? 0}: ${answer?.rules.length ?? 0} in force`);
      for (const rule of answer?.rules ?? []) console.log(describe(rule));
    });

  withConnection(
    rules
      .command('put <id>')
      .description('write a rule (a new version when it differs from the one in force)')
      .option('--file <path>', 'the rule as JSON, e.g. {"action":"pin","items":["t7"],"position":1}')
      .option('--json <rule>', 'the rule as JSON on the command line'),
  ).action(async (id: string, flags: RulesFlags & { file?: string; json?: string }) => {
    const body = ruleBody(flags);
    const answer = await call<StoredRule & { changed: boolean }>(
      await connection(config(), flags),
      'PUT',
      `/${ruleId(id)}`,
      body,
    );
    if (answer)
      console.log(
        `rule ${id} at version ${answer.version}${answer.changed ? '' : ' (unchanged: same rule)'}`,
      );
  });

  withConnection(rules.command('delete <id>').description('delete a rule (its history stays)')).action(
    async (id: string, flags: RulesFlags) => {
      const found = await call(await connection(config(), flags), 'DELETE', `/${ruleId(id)}`);
      if (found === null) throw new ValidationError([`<id>: there is no rule ${id}`], 'arguments');
      console.log(`deleted rule ${id}`);
    },
  );

  withConnection(
    rules.command('history <id>').description('every change of a rule: who, when, which version'),
  ).action(async (id: string, flags: RulesFlags) => {
    const answer = await call<{ changes: RuleChange[] }>(
      await connection(config(), flags),
      'GET',
      `/${ruleId(id)}/history`,
    );
    if (!answer) throw new ValidationError([`<id>: rule ${id} was never written`], 'arguments');
    for (const change of answer.changes)
      console.log(
        `v${change.version}  ${change.action}  by ${change.actor}  at ${change.at}  (previous v${change.previousVersion ?? '-'})  ${change.rule ? JSON.stringify(change.rule) : ''}`,
      );
  });
}
