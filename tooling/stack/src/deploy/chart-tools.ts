import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The workspace root: the nearest folder up from here that holds nx.json (sources or dist). */
export function workspaceRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir))
    if (fs.existsSync(path.join(dir, 'nx.json'))) return dir;
  throw new Error(`no nx.json above ${__dirname}`);
}

export const CHART = 'deploy/helm/marquee';
export const FETCH_SCRIPT = 'deploy/helm/fetch-helm.sh';
/** The oldest Kubernetes the chart supports (Chart.yaml's kubeVersion): what it renders for in CI. */
export const KUBE_VERSION = '1.27.0';

export interface ChartTools {
  helm: string;
  validate: string;
}

/**
 * helm and the manifest validator, built from the Go module proxy by the fetch script (a no-op
 * once they are in the cache). Throws a message naming the script when Go or the proxy is missing.
 */
export function fetchChartTools(): ChartTools {
  const root = workspaceRoot();
  const fetched = spawnSync('bash', [path.join(root, FETCH_SCRIPT)], { encoding: 'utf8', cwd: root });
  if (fetched.status !== 0)
    throw new Error(
      `helm and validate-manifests are missing and \`bash ${FETCH_SCRIPT}\` could not build them ` +
        `(it needs Go 1.24+ and the Go module proxy): ${(fetched.stderr || fetched.stdout).trim()}`,
    );
  const bin = /into (\S+)$|present in (\S+)$/m.exec(fetched.stdout.trim());
  const dir = bin?.[1] ?? bin?.[2];
  if (!dir) throw new Error(`${FETCH_SCRIPT} did not say where the tools are: ${fetched.stdout}`);
  return { helm: path.join(dir, 'helm'), validate: path.join(dir, 'validate-manifests') };
}

export interface Rendered {
  manifests: string;
  /** The environment the pods get from the chart's ConfigMap and Secret. */
  env: Record<string, string>;
  /** validate-manifests' summary line. */
  summary: string;
}

/** `helm template` with these values files and --set pairs; throws helm's message when it fails. */
export function template(tools: ChartTools, valuesFiles: string[] = [], set: string[] = []): string {
  const root = workspaceRoot();
  const args = ['template', 'marquee', CHART, '--namespace', 'marquee', '--kube-version', KUBE_VERSION];
  for (const file of valuesFiles) args.push('-f', file);
  for (const pair of set) args.push('--set', pair);
  const result = spawnSync(tools.helm, args, { encoding: 'utf8', cwd: root });
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** Renders and validates every object strictly against the Kubernetes API types. */
export function renderValidated(tools: ChartTools, valuesFiles: string[] = []): Rendered {
  const manifests = template(tools, valuesFiles);
  const envFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'marquee-chart-')), 'env.json');
  const checked = spawnSync(tools.validate, ['-env-json', envFile], { input: manifests, encoding: 'utf8' });
  if (checked.status !== 0) throw new Error(`rendered manifests are invalid:\n${checked.stderr.trim()}`);
  const env = JSON.parse(fs.readFileSync(envFile, 'utf8')) as Record<string, string>;
  fs.rmSync(path.dirname(envFile), { recursive: true, force: true });
  return { manifests, env, summary: checked.stdout.trim() };
}

/** `helm lint --strict`; returns its output, throws it when the chart has errors. */
export function lint(tools: ChartTools, valuesFiles: string[] = []): string {
  const root = workspaceRoot();
  const args = ['lint', '--strict', CHART];
  for (const file of valuesFiles) args.push('-f', file);
  const result = spawnSync(tools.helm, args, { encoding: 'utf8', cwd: root });
  if (result.status !== 0) throw new Error(`helm lint failed:\n${result.stdout}${result.stderr}`);
  return result.stdout;
}
