// Writes deploy/grafana/<uid>.json from the dashboards' code: `node dist/tooling/stack/src/deploy/grafana/write-dashboards.js`.
import fs from 'node:fs';
import path from 'node:path';
import { workspaceRoot } from '../chart-tools';
import { DASHBOARDS } from './dashboards';
import { grafanaJson } from './panels';

export const GRAFANA_DIR = 'deploy/grafana';

/** Each dashboard's file and its JSON text, as written. */
export function dashboardFiles(): { file: string; text: string }[] {
  return DASHBOARDS.map((dashboard) => ({
    file: path.join(GRAFANA_DIR, `${dashboard.uid}.json`),
    text: `${JSON.stringify(grafanaJson(dashboard), null, 2)}\n`,
  }));
}

if (require.main === module) {
  const root = workspaceRoot();
  for (const { file, text } of dashboardFiles()) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    fs.writeFileSync(path.join(root, file), text);
    console.log(`wrote ${file}`);
  }
}
