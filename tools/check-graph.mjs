// Reads the Nx project graph and fails when a project has no scope/type tag, a production project
// depends on tooling, or projects depend on each other in a cycle. `npm run lint` runs it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nx-graph-')), 'graph.json');
execFileSync('npx', ['nx', 'graph', `--file=${file}`], { stdio: 'ignore' });
const { nodes, dependencies } = JSON.parse(fs.readFileSync(file, 'utf8')).graph;
const projects = Object.keys(nodes);
const tags = (name) => nodes[name].data.tags ?? [];
const problems = [];

for (const name of projects) {
  const own = tags(name);
  if (!own.some((t) => /^scope:(online|nearline|offline|shared|tooling)$/.test(t)))
    problems.push(`${name} has no scope tag (scope:online|nearline|offline|shared|tooling)`);
  if (!own.some((t) => t.startsWith('type:'))) problems.push(`${name} has no type tag`);
}
const edges = (name) => [...new Set(dependencies[name].map((d) => d.target).filter((t) => t in nodes))];
for (const name of projects) {
  if (tags(name).includes('scope:tooling')) continue;
  for (const target of edges(name))
    if (tags(target).includes('scope:tooling'))
      problems.push(`production project ${name} depends on tooling ${target}`);
}
// Cycles, by depth-first search over the project graph.
const state = new Map();
const trail = [];
const visit = (name) => {
  state.set(name, 'open');
  trail.push(name);
  for (const next of edges(name)) {
    if (state.get(next) === 'open')
      problems.push(`cycle: ${[...trail.slice(trail.indexOf(next)), next].join(' -> ')}`);
    else if (!state.has(next)) visit(next);
  }
  trail.pop();
  state.set(name, 'done');
};
projects.forEach((name) => state.has(name) || visit(name));

if (problems.length > 0) {
  console.error(`check-graph: ${problems.length} problem(s)\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `check-graph: ${projects.length} projects tagged, no production project depends on tooling, no cycles`,
);
