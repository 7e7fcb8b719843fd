/** A panel of a Marquee dashboard: PromQL queries and how to show them. */
export interface Panel {
  title: string;
  description?: string;
  queries: { expr: string; legend: string }[];
  unit: 's' | 'reqps' | 'percentunit' | 'short' | 'ops';
  kind?: 'timeseries' | 'stat';
}

export interface Row {
  title: string;
  panels: Panel[];
}

export interface Dashboard {
  uid: string;
  title: string;
  description: string;
  rows: Row[];
}

const GRID_WIDTH = 24;
const PANEL_HEIGHT = 8;

/** Grafana's dashboard JSON (schema 39) of a dashboard, rows laid out two or three panels wide. */
export function grafanaJson(dashboard: Dashboard): object {
  const panels: object[] = [];
  let id = 1;
  let y = 0;
  for (const row of dashboard.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    });
    y += 1;
    const width = row.panels.length >= 3 ? 8 : GRID_WIDTH / Math.max(1, row.panels.length);
    row.panels.forEach((panel, i) => {
      const x = (i * width) % GRID_WIDTH;
      if (i > 0 && x === 0) y += PANEL_HEIGHT;
      panels.push({
        id: id++,
        type: panel.kind ?? 'timeseries',
        title: panel.title,
        ...(panel.description ? { description: panel.description } : {}),
        datasource: { type: 'prometheus', uid: '${datasource}' },
        gridPos: { x, y, w: width, h: PANEL_HEIGHT },
        fieldConfig: { defaults: { unit: panel.unit }, overrides: [] },
        options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true } },
        targets: panel.queries.map((q, j) => ({
          refId: String.fromCharCode(65 + j),
          datasource: { type: 'prometheus', uid: '${datasource}' },
          expr: q.expr,
          legendFormat: q.legend,
        })),
      });
    });
    y += PANEL_HEIGHT;
  }
  return {
    uid: dashboard.uid,
    title: dashboard.title,
    description: dashboard.description,
    tags: ['marquee'],
    schemaVersion: 39,
    version: 1,
    editable: true,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [
        { name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {} },
        {
          name: 'namespace',
          label: 'Namespace',
          type: 'query',
          datasource: { type: 'prometheus', uid: '${datasource}' },
          query: 'label_values(process_cpu_seconds_total{app=~"online|nearline|offline"}, namespace)',
          includeAll: true,
          multi: true,
          current: {},
        },
      ],
    },
    panels,
  };
}

/** The metric names a PromQL expression reads, with histogram suffixes removed. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  // Metric names, not label names or values: outside braces and quotes, followed by { [ or ).
  const stripped = expr
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/"[^"]*"/g, '""')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '');
  for (const match of stripped.matchAll(/\b([a-z_][a-z0-9_]*)\s*(?=[{[)])/g)) {
    const name = match[1] ?? '';
    if (!name.includes('_') || /^(by|without|on|ignoring|group_left|group_right)$/.test(name)) continue;
    names.add(name.replace(/_(bucket|count|sum)$/, ''));
  }
  return [...names];
}
