/** Plans every stack and writes, per stack, the plan files, `result.json` and the PR comment (`comment.md`). */
import { join, resolve } from 'node:path';
import { appendStepSummary, runUrl } from '../actions-env';
import { ciPlan } from '../ci-plan';
import { main, parseCli, repoRoot } from './args';

const USAGE = `usage: ci-plan [--plans-dir infra/plans] [--stacks-dir infra/cdktf.out/stacks] [--stack NAME]... [--artifact-name NAME]

Runs \`pnpm turbo run plan\` (synth, terraform init + plan per stack), then writes for every
stack <plans-dir>/<stack>/{plan.txt,result.json,comment.md}. Exits non-zero when any stack failed to plan.
State: local by default; S3 when PORTICO_STATE_BUCKET is set (see packages/delivery/README.md).`;

main(async () => {
  const { values } = parseCli(USAGE, {
    'plans-dir': { type: 'string' },
    'stacks-dir': { type: 'string' },
    stack: { type: 'string', multiple: true },
    'artifact-name': { type: 'string' },
  });
  const root = repoRoot();
  const result = await ciPlan({
    repoRoot: root,
    plansDir: values['plans-dir'] ? resolve(values['plans-dir']) : join(root, 'infra', 'plans'),
    stacksDir: values['stacks-dir'] ? resolve(values['stacks-dir']) : undefined,
    stacks: values.stack?.length ? values.stack : undefined,
    artifactName: values['artifact-name'],
    runUrl: runUrl(),
    // On pull_request GITHUB_SHA is a merge commit nobody has seen; the workflow passes the PR head instead.
    commitSha: process.env.PLAN_COMMIT_SHA || process.env.GITHUB_SHA,
  });
  appendStepSummary(
    ['| stack | plan |', '| --- | --- |', ...result.stacks.map((s) => `| \`${s.stack}\` | ${s.ok ? `✅ +${s.counts?.add ?? 0} ~${s.counts?.change ?? 0} -${s.counts?.destroy ?? 0}` : `❌ ${s.reason ?? 'failed'}`} |`)].join('\n'),
  );
  return result.exitCode;
});
