// Writes the table of environment variables, made from the configuration schema, between the
// `<!-- config:start -->` and `<!-- config:end -->` markers of each given file (by default
// docs/configuration.md, and README.md when it has the markers). Run after `npm run build`:
//   node tools/config-table.mjs [file ...]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const compiled = path.join(root, 'dist/libs/core/config/src/config-table.js');
if (!fs.existsSync(compiled)) {
  console.error(`config-table: ${path.relative(root, compiled)} is missing; run \`npm run build\` first`);
  process.exit(1);
}
const { withConfigTable, CONFIG_TABLE_START } = createRequire(import.meta.url)(compiled);

const given = process.argv.slice(2);
const files =
  given.length > 0
    ? given
    : ['docs/configuration.md', 'README.md'].filter((file) =>
        fs.readFileSync(path.join(root, file), 'utf8').includes(CONFIG_TABLE_START),
      );
let failed = false;
for (const file of files) {
  const full = path.resolve(root, file);
  const text = fs.readFileSync(full, 'utf8');
  const updated = withConfigTable(text);
  if (updated === null) {
    console.error(`config-table: ${file} has no ${CONFIG_TABLE_START} … <!-- config:end --> markers`);
    failed = true;
  } else if (updated !== text) {
    fs.writeFileSync(full, updated);
    console.log(`config-table: ${file} updated`);
  } else console.log(`config-table: ${file} is up to date`);
}
process.exit(failed ? 1 : 0);
