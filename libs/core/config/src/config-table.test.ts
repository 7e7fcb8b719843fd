import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { envSchema } from './config';
import { CONFIG_TABLE_START, configTable, withConfigTable } from './config-table';

/** The workspace root: the nearest folder up from here that holds nx.json (sources or dist). */
function workspaceRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir))
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
  throw new Error(`no nx.json above ${__dirname}`);
}

describe('the configuration table', () => {
  it('has a row with a description for every variable of the schema', () => {
    const table = configTable();
    for (const [name, schema] of Object.entries(envSchema.shape)) {
      assert.ok(schema.description, `${name} has no description`);
      assert.ok(table.includes(`| \`${name}\` |`), `${name} has no row`);
    }
  });

  it('shows the home directory as ~, so the table is the same on every machine', () => {
    assert.match(configTable(), /\| `MARQUEE_STATE_DIR` \| `~\/\.local\/share\/marquee` \|/);
  });

  it('replaces only what is between the markers, and leaves a text without them alone', () => {
    const text = `# Settings\n\n${CONFIG_TABLE_START}\nold\n<!-- config:end -->\n\nAfter.\n`;
    const updated = withConfigTable(text);
    assert.equal(
      updated,
      `# Settings\n\n${CONFIG_TABLE_START}\n\n${configTable()}\n\n<!-- config:end -->\n\nAfter.\n`,
    );
    assert.equal(withConfigTable(updated ?? ''), updated, 'writing it again changes nothing');
    assert.equal(withConfigTable('# No table here\n'), null);
  });

  it('in docs/configuration.md, and in README.md when it has the markers, matches the schema', () => {
    const root = workspaceRoot();
    const docs = fs.readFileSync(path.join(root, 'docs/configuration.md'), 'utf8');
    assert.equal(docs, withConfigTable(docs), 'run `node tools/config-table.mjs` after `npm run build`');
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    if (readme.includes(CONFIG_TABLE_START))
      assert.equal(
        readme,
        withConfigTable(readme),
        'run `node tools/config-table.mjs` after `npm run build`',
      );
  });
});
