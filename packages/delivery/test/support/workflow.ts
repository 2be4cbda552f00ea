/**
 * Reads the repo's workflows as data, and runs their `run:` steps the way a GitHub runner does: the job's and the
 * step's `env` with their `${{ }}` expressions resolved from a given context, `bash --noprofile --norc -eo pipefail`,
 * the workspace as the working directory, and GITHUB_OUTPUT / GITHUB_ENV files between steps.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const REPO_ROOT = join(__dirname, '..', '..', '..', '..');
export const WORKFLOWS_DIR = join(REPO_ROOT, '.github', 'workflows');

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string | boolean;
  shell?: string;
  env?: Record<string, string | number | boolean>;
  with?: Record<string, unknown>;
  'working-directory'?: string;
  'continue-on-error'?: boolean;
}

export interface Job {
  name?: string;
  'runs-on'?: string;
  if?: string;
  needs?: string | string[];
  uses?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string | number | boolean>;
  environment?: string | { name: string; url?: string };
  concurrency?: string | { group: string; 'cancel-in-progress'?: boolean };
  permissions?: Record<string, string>;
  container?: string | { image: string };
  steps?: Step[];
}

export interface Workflow {
  name?: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: unknown;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

export function workflowFiles(): string[] {
  return readdirSync(WORKFLOWS_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
}

export function loadWorkflow(file: string): Workflow {
  return parse(readFileSync(join(WORKFLOWS_DIR, file), 'utf8')) as Workflow;
}

/** The steps that run one of this package's scripts: the part of a workflow that needs no install and no cloud. */
export function deliverySteps(job: Job): Step[] {
  return (job.steps ?? []).filter((s) => typeof s.run === 'string' && s.run.includes('packages/delivery/bin/'));
}

/**
 * Resolves `${{ a.b.c }}` against `context`. Only property paths are supported: anything else throws, so a step the
 * tests run can't silently depend on an expression they don't understand.
 */
export function evaluate(value: string | number | boolean, context: Record<string, unknown>): string {
  return String(value).replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expr: string) => {
    if (!/^[A-Za-z_][\w-]*(\.[A-Za-z_][\w-]*)*$/.test(expr)) throw new Error(`unsupported expression in a tested step: ${expr}`);
    let current: unknown = context;
    for (const key of expr.split('.')) current = current && typeof current === 'object' ? (current as Record<string, unknown>)[key] : undefined;
    // GitHub renders a missing value (e.g. an unset repository variable) as an empty string.
    return current === undefined || current === null ? '' : String(current);
  });
}

export interface StepRun {
  code: number;
  output: string;
  outputs: Record<string, string>;
  /** What the step exported to later steps through GITHUB_ENV. */
  exported: Record<string, string>;
}

/** Parses a GITHUB_OUTPUT file: `name=value` lines and `name<<DELIM` … `DELIM` blocks. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2]!, i + 1);
      outputs[heredoc[1]!] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return outputs;
}

/** Runs one `run:` step as a runner would; resolves with its exit code, output and step outputs. */
export function runStep(
  step: Step,
  job: Job,
  options: { workspace: string; context: Record<string, unknown>; env: NodeJS.ProcessEnv; outputFile: string },
): Promise<StepRun> {
  if (step.shell && step.shell !== 'bash') throw new Error(`tests run bash steps only, got shell ${step.shell}`);
  if (/\$\{\{/.test(step.run ?? '')) throw new Error(`step "${step.name}" puts an expression in its script: pass it through env instead`);
  const resolved = (env: Job['env']) => Object.fromEntries(Object.entries(env ?? {}).map(([k, v]) => [k, evaluate(v, options.context)]));
  const envFile = `${options.outputFile}.env`;
  writeFileSync(options.outputFile, '');
  writeFileSync(envFile, '');
  const env = {
    ...options.env,
    ...resolved(job.env),
    ...resolved(step.env),
    GITHUB_OUTPUT: options.outputFile,
    GITHUB_ENV: envFile,
    GITHUB_WORKSPACE: options.workspace,
  };
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', step.run!], {
      cwd: join(options.workspace, step['working-directory'] ?? ''),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        output: Buffer.concat(chunks).toString('utf8'),
        outputs: parseOutputFile(readFileSync(options.outputFile, 'utf8')),
        exported: parseOutputFile(readFileSync(envFile, 'utf8')),
      }),
    );
  });
}
