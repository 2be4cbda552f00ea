/** Plans the stacks a change can affect and writes, per stack, the plan files, `result.json` and the PR comment. */
import { join, resolve } from 'node:path';
import { appendStepSummary, runUrl } from '../actions-env';
import { describeScope } from '../affected';
import { ciPlan } from '../ci-plan';
import { main, parseCli, repoRoot } from './args';

const USAGE = `usage: ci-plan [--base SHA] [--plans-dir infra/plans] [--stacks-dir infra/cdktf.out/stacks] [--artifact-name NAME]

Asks turbo which APIs a change since --base (default TURBO_SCM_BASE) can affect — an app's own files, the packages it
depends on, infra — and runs \`pnpm turbo run plan --affected\` (synth, terraform init + plan per stack); without a
base, every API is planned. Then writes <plans-dir>/planned.json and, per planned stack,
<plans-dir>/<stack>/{plan.txt,result.json,comment.md}. Exits non-zero when any of those stacks failed to plan;
when the change affects no API, plans nothing and exits 0.
State: local by default; S3 when PORTICO_STATE_BUCKET is set (see packages/delivery/README.md).`;

main(async () => {
  const { values } = parseCli(USAGE, {
    base: { type: 'string' },
    'plans-dir': { type: 'string' },
    'stacks-dir': { type: 'string' },
    'artifact-name': { type: 'string' },
  });
  const root = repoRoot();
  const result = await ciPlan({
    repoRoot: root,
    plansDir: values['plans-dir'] ? resolve(values['plans-dir']) : join(root, 'infra', 'plans'),
    stacksDir: values['stacks-dir'] ? resolve(values['stacks-dir']) : undefined,
    base: values.base,
    artifactName: values['artifact-name'],
    runUrl: runUrl(),
    // On pull_request GITHUB_SHA is a merge commit nobody has seen; the workflow passes the PR head instead.
    commitSha: process.env.PLAN_COMMIT_SHA || process.env.GITHUB_SHA,
  });
  if (result.stacks.length === 0) {
    appendStepSummary(
      result.scope.kind === 'affected'
        ? `No stack planned: no API is affected by ${describeScope(result.scope)} (no app, no package an app depends on, no infra change).`
        : 'No stack planned: no API is declared (apps/<name>/portico.config.ts).',
    );
    return result.exitCode;
  }
  appendStepSummary(
    [
      `Planned ${describeScope(result.scope)}:`,
      '',
      '| stack | plan |',
      '| --- | --- |',
      ...result.stacks.map((s) => `| \`${s.stack}\` | ${s.ok ? `✅ +${s.counts?.add ?? 0} ~${s.counts?.change ?? 0} -${s.counts?.destroy ?? 0}` : `❌ ${s.reason ?? 'failed'}`} |`),
    ].join('\n'),
  );
  return result.exitCode;
});
