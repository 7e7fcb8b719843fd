/** One fault's figures, as `marquee chaos` reports them. */
export interface FaultResult {
  fault: string;
  downSeconds: number;
  playsAccepted: number;
  playsStored: number;
  lost: number;
  duplicates: number;
  rows2xx: number;
  rowsDegraded: number;
  rows4xx: number;
  rows5xx: number;
  unanswered: number;
  workflowsCompleted: number;
  workflowsDuplicated: number;
  /** From the restart until rows answer 200 non-degraded and every play accepted is stored; null if never. */
  recoverySeconds: number | null;
  /** Why 503s were answered: the online processes' shedding and the machine's load meanwhile. */
  shedLag?: number;
  shedInFlight?: number;
  maxLagMs?: number;
  maxLoadAverage?: number;
  cpus?: number;
  /** The targets this fault missed, in words (empty when it met them all). */
  missed: string[];
}

export interface ChaosReport {
  faults: FaultResult[];
  ok: boolean;
  targets: typeof TARGETS;
}

export const TARGETS = {
  lost: 0,
  duplicates: 0,
  rows5xx: 0,
  unanswered: 0,
  workflowsCompleted: 1,
  workflowsDuplicated: 0,
  recovered: true,
} as const;

/** What a fault's figures miss of the targets. */
export function missedTargets(r: Omit<FaultResult, 'missed'>): string[] {
  const missed: string[] = [];
  if (r.lost > TARGETS.lost) missed.push(`${r.lost} accepted plays lost`);
  if (r.duplicates > TARGETS.duplicates) missed.push(`${r.duplicates} plays stored twice`);
  if (r.rows5xx > TARGETS.rows5xx) missed.push(`${r.rows5xx} rows reads answered 5xx`);
  if (r.unanswered > TARGETS.unanswered) missed.push(`${r.unanswered} rows reads unanswered within 1 s`);
  if (r.workflowsCompleted !== TARGETS.workflowsCompleted)
    missed.push(`the training run completed ${r.workflowsCompleted} times`);
  if (r.workflowsDuplicated > TARGETS.workflowsDuplicated)
    missed.push(`${r.workflowsDuplicated} duplicate training runs`);
  if (r.recoverySeconds === null) missed.push('did not recover');
  return missed;
}

export function chaosReport(faults: FaultResult[]): ChaosReport {
  return { faults, ok: faults.every((f) => f.missed.length === 0), targets: TARGETS };
}

const COLUMNS: Array<[string, (r: FaultResult) => string]> = [
  ['fault', (r) => r.fault],
  ['down s', (r) => String(r.downSeconds)],
  ['plays accepted', (r) => String(r.playsAccepted)],
  ['stored', (r) => String(r.playsStored)],
  ['lost', (r) => String(r.lost)],
  ['dup', (r) => String(r.duplicates)],
  ['rows 2xx', (r) => String(r.rows2xx)],
  ['degraded', (r) => String(r.rowsDegraded)],
  ['rows 5xx', (r) => String(r.rows5xx)],
  ['unanswered', (r) => String(r.unanswered)],
  ['workflow', (r) => `${r.workflowsCompleted}×${r.workflowsDuplicated > 0 ? ' dup' : ''}`],
  ['recovery s', (r) => (r.recoverySeconds === null ? '—' : r.recoverySeconds.toFixed(1))],
  ['ok', (r) => (r.missed.length === 0 ? '✔' : '✘')],
];

/** The report as a Markdown table (what the README shows), and a line per missed target. */
export function formatTable(report: ChaosReport): string {
  const header = `| ${COLUMNS.map(([name]) => name).join(' | ')} |`;
  const rule = `|${COLUMNS.map(() => '---').join('|')}|`;
  const rows = report.faults.map((r) => `| ${COLUMNS.map(([, cell]) => cell(r)).join(' | ')} |`);
  const misses = report.faults.flatMap((r) => r.missed.map((m) => `${r.fault}: ${m}`));
  return [
    header,
    rule,
    ...rows,
    '',
    report.ok ? 'every target met' : `targets missed:\n${misses.map((m) => `  ${m}`).join('\n')}`,
  ].join('\n');
}
