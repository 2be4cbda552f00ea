/**
 * Turbo must never replay a test run that skipped for a missing tool as a pass under PORTICO_REQUIRE_TOOLS=1: every
 * variable that changes what a test does is part of the test task's hash. Checked through turbo's own dry run, so
 * the assertion is about the hash turbo computes, not about turbo.json's text.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './support/workflow';

const TURBO = join(REPO_ROOT, 'node_modules', '.bin', 'turbo');

/** The hash turbo gives `@portico/infra#test` under `env` (everything else as in this process). */
function testTaskHash(env: Record<string, string | undefined>): string {
  const merged: NodeJS.ProcessEnv = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete merged[key];
    else merged[key] = value;
  }
  const run = spawnSync(TURBO, ['run', 'test', '--filter=@portico/infra', '--dry=json'], { cwd: REPO_ROOT, env: merged, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`turbo --dry=json failed: ${run.stderr}`);
  const plan = JSON.parse(run.stdout) as { tasks: Array<{ taskId: string; hash: string }> };
  const task = plan.tasks.find((t) => t.taskId === '@portico/infra#test');
  if (!task) throw new Error('turbo planned no @portico/infra#test');
  return task.hash;
}

describe('turbo test task hash', () => {
  const base = { PORTICO_REQUIRE_TOOLS: undefined, TF_PLUGIN_MIRROR: undefined, PORTICO_TERRAFORM: undefined };

  it('is stable when nothing changes (so a differing hash below means something)', () => {
    expect(testTaskHash(base)).toBe(testTaskHash(base));
  });

  it.each([
    ['PORTICO_REQUIRE_TOOLS', '1'],
    ['TF_PLUGIN_MIRROR', '/opt/provider-mirror'],
    ['PORTICO_TERRAFORM', '/usr/local/bin/terraform'],
  ])('changes with %s, so a run without tools is never replayed for a run that requires them', (name, value) => {
    expect(testTaskHash({ ...base, [name]: value })).not.toBe(testTaskHash(base));
  });
});
