// After `tsc`, makes the compiled workspace packages resolvable from dist/ as @marquee/<name>:
// dist/node_modules/@marquee/<name>/package.json points at the package's compiled index.
// (npm's workspace links point at the sources, whose TypeScript node cannot load.)
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
// Workspace patterns are folders with `*` segments (`apps/*`, `libs/*/*`); expand one segment at a time.
const expand = (pattern) =>
  pattern.split('/').reduce(
    (dirs, segment) =>
      dirs.flatMap((dir) =>
        segment !== '*'
          ? [path.join(dir, segment)]
          : fs
              .readdirSync(path.join(root, dir), { withFileTypes: true })
              .filter((entry) => entry.isDirectory())
              .map((entry) => path.join(dir, entry.name)),
      ),
    [''],
  );
const dirs = manifest.workspaces.flatMap(expand);
// An optional argument builds the links into another compiled tree (a scratch outDir).
const dist = path.resolve(process.argv[2] ?? path.join(root, 'dist'));
let linked = 0;
for (const dir of dirs) {
  const pkgFile = path.join(root, dir, 'package.json');
  if (!fs.existsSync(pkgFile)) continue;
  const { name } = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  const index = path.join(dist, dir, 'src', 'index.js');
  if (!fs.existsSync(index)) continue;
  const target = path.join(dist, 'node_modules', ...name.split('/'));
  fs.mkdirSync(target, { recursive: true });
  fs.writeFileSync(
    path.join(target, 'package.json'),
    JSON.stringify({ name, private: true, main: path.relative(target, index) }, null, 2) + '\n',
  );
  linked += 1;
}
console.log(`link-dist: ${linked} workspace packages resolvable from ${path.relative(root, dist) || '.'}/`);
