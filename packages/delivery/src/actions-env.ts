/**
 * The few GitHub Actions conventions the scripts use, read from the environment so the same script runs locally
 * (where none of these variables exist and every function quietly does nothing or falls back).
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';

/** Sets a step output (`steps.<id>.outputs.<name>`) when running in Actions; a no-op elsewhere. */
export function setOutput(name: string, value: string, env: NodeJS.ProcessEnv = process.env): void {
  if (!env.GITHUB_OUTPUT) return;
  // The heredoc form survives values with newlines; a random delimiter can't occur in the value.
  const delimiter = `portico_${randomUUID()}`;
  appendFileSync(env.GITHUB_OUTPUT, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
}

/**
 * Sets an environment variable for the job's later steps (`GITHUB_ENV`) when running in Actions; returns whether it
 * did, so a caller can tell a person what to export instead.
 */
export function exportVariable(name: string, value: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.GITHUB_ENV) return false;
  const delimiter = `portico_${randomUUID()}`;
  appendFileSync(env.GITHUB_ENV, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
  return true;
}

/** Appends Markdown to the job summary page when running in Actions; a no-op elsewhere. */
export function appendStepSummary(markdown: string, env: NodeJS.ProcessEnv = process.env): void {
  if (env.GITHUB_STEP_SUMMARY) appendFileSync(env.GITHUB_STEP_SUMMARY, `${markdown}\n`);
}

/** Link to the current workflow run, or undefined outside Actions. */
export function runUrl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID } = env;
  return GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
    ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}`
    : undefined;
}

/** The pull request number: `PR_NUMBER` when given, else read from the event payload of a `pull_request` run. */
export function pullRequestNumber(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const explicit = env.PR_NUMBER?.trim();
  if (explicit) {
    const n = Number(explicit);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`PR_NUMBER must be a positive integer, got ${JSON.stringify(explicit)}`);
    return n;
  }
  if (!env.GITHUB_EVENT_PATH) return undefined;
  const event = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: number } };
  return event.pull_request?.number;
}
