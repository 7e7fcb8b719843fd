import os from 'node:os';
import { z } from 'zod';
import { envSchema } from './config';

export const CONFIG_TABLE_START = '<!-- config:start -->';
export const CONFIG_TABLE_END = '<!-- config:end -->';

/** A default as the table shows it: the home directory as `~`, so the table is the same on every machine. */
function shownDefault(schema: z.ZodType): string {
  if (!(schema instanceof z.ZodDefault)) return '';
  const value: unknown = schema.def.defaultValue;
  const text = String(value);
  const home = os.homedir();
  const shown = home && text.startsWith(home) ? `~${text.slice(home.length)}` : text;
  return shown === '' ? '(empty)' : `\`${shown}\``;
}

/** The markdown table of every environment variable: name, default and description from the schema. */
export function configTable(): string {
  const rows = Object.entries(envSchema.shape).map(
    ([name, schema]) =>
      `| \`${name}\` | ${shownDefault(schema)} | ${(schema.description ?? '').replaceAll('|', '\\|')} |`,
  );
  return ['| Variable | Default | Description |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * `text` with the table between its markers replaced by `configTable()`; null when it has no markers.
 */
export function withConfigTable(text: string): string | null {
  const start = text.indexOf(CONFIG_TABLE_START);
  const end = text.indexOf(CONFIG_TABLE_END);
  if (start < 0 || end < start) return null;
  return `${text.slice(0, start + CONFIG_TABLE_START.length)}\n\n${configTable()}\n\n${text.slice(end)}`;
}
