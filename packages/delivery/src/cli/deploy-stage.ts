/** Deploys one stage of the APIs in scope and exposes their invoke URLs as step outputs. */
import { appendStepSummary, runUrl, setOutput } from '../actions-env';
import { describeScope, scopeOfBase, type TurboScope } from '../affected';
import { deployStage } from '../deploy-stage';
import { createGitHubClient } from '../github-api';
import { main, parseCli, repoRoot } from './args';

const USAGE = `usage: deploy-stage <stage> [--api NAME]... [--base SHA | --changed]     (or STAGE=<stage> deploy-stage)

Runs \`STAGE=<stage> pnpm turbo run deploy\` (build, synth, terraform apply) over the APIs in scope, then reads each
deployed stack's outputs. Scope:
  --api NAME   that API (repeatable; DEPLOY_API, comma-separated)
  --base SHA   the APIs a change since SHA can affect (turbo --affected; TURBO_SCM_BASE)
  --changed    the APIs changed since this workflow last succeeded on this branch, as GitHub records it
               (DEPLOY_CHANGED=true; needs GITHUB_TOKEN with actions: read, GITHUB_REPOSITORY, GITHUB_RUN_ID)
  (none)       every API
An API that declares no such stage is left out. In GitHub Actions it sets the step outputs invoke_urls (JSON:
{"<stack>": "<url>"}, what smoke-test reads) and invoke_url (when exactly one stack was deployed).
State: local by default; S3 with locking when PORTICO_STATE_BUCKET is set (see packages/delivery/README.md).`;

main(async () => {
  const { values, positionals } = parseCli(USAGE, {
    api: { type: 'string', multiple: true },
    base: { type: 'string' },
    changed: { type: 'boolean' },
  });
  const env = process.env;
  const stage = positionals[0] || env.STAGE;
  if (!stage) throw new Error(`a stage is required\n\n${USAGE}`);
  const apis = (values.api ?? (env.DEPLOY_API ? [env.DEPLOY_API] : [])).flatMap((a) => a.split(',')).map((a) => a.trim()).filter(Boolean);
  const base = values.base ?? env.TURBO_SCM_BASE;
  const changed = values.changed ?? env.DEPLOY_CHANGED === 'true';

  const scope: TurboScope = apis.length > 0 ? { kind: 'apis', names: apis } : base ? scopeOfBase(base) : changed ? await sinceLastSuccess(env) : { kind: 'all' };
  console.log(`deploying ${stage}: ${describeScope(scope)}`);
  const result = await deployStage({ repoRoot: repoRoot(), stage, scope, env });

  const invokeUrls = Object.fromEntries(result.stacks.flatMap((s) => (s.invokeUrl ? [[s.stack, s.invokeUrl]] : [])));
  setOutput('invoke_urls', JSON.stringify(invokeUrls));
  // The environment's link on the run page: one URL, so only when the deploy has exactly one.
  if (result.stacks.length === 1 && result.stacks[0]!.invokeUrl) setOutput('invoke_url', result.stacks[0]!.invokeUrl);

  const skipped = result.skipped.map((s) => `- \`${s.name}\` not deployed: it ${s.reason}`);
  if (result.stacks.length === 0) {
    const why = scope.kind === 'affected' ? `no API is affected by ${describeScope(scope)}` : 'no API in scope declares this stage';
    console.log(`nothing deployed to ${stage}: ${why}`);
    appendStepSummary([`Nothing deployed to \`${stage}\`: ${why}.`, ...skipped].join('\n'));
    return;
  }
  for (const s of result.stacks) console.log(`deployed ${s.stack}: ${s.invokeUrl ?? '(no invoke_url output)'}`);
  const lines = result.stacks.map((s) => `- \`${s.stack}\`: ${s.invokeUrl ?? 'no invoke URL'}${s.cloudfrontUrl ? ` (CloudFront: ${s.cloudfrontUrl})` : ''}`);
  appendStepSummary([`Deployed to \`${stage}\` (${describeScope(scope)}):`, '', ...lines, ...skipped].join('\n'));
  const missing = result.stacks.filter((s) => !s.invokeUrl).map((s) => s.stack);
  if (missing.length > 0) throw new Error(`no invoke_url output: ${missing.join(', ')}`);
});

/**
 * What changed since the commit this workflow last succeeded on for a push to this branch. Only push runs count: a run
 * by hand may have deployed one API, and counting it would skip the others' changes. Relative to that run rather than
 * to the push's `before`: a deploy waiting for prod's reviewers is replaced by a newer push's, and the newer one must
 * carry both pushes' changes. When GitHub can't tell, every API (a larger deploy, never a missed one).
 */
async function sinceLastSuccess(env: NodeJS.ProcessEnv): Promise<TurboScope> {
  const { GITHUB_TOKEN: token, GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!token || !repository || !runId) {
    console.log('--changed needs GITHUB_TOKEN, GITHUB_REPOSITORY and GITHUB_RUN_ID: deploying every API');
    return { kind: 'all' };
  }
  try {
    const github = createGitHubClient({ apiUrl: env.GITHUB_API_URL || 'https://api.github.com', token, repository });
    const last = await github.lastSuccessfulRun(runId, 'push');
    if (!last) {
      console.log('this workflow has not succeeded on this branch yet: deploying every API');
      return { kind: 'all' };
    }
    console.log(`last successful deploy: ${last.head_sha} (${last.html_url ?? `run ${last.id}`}); this run: ${runUrl(env) ?? runId}`);
    return scopeOfBase(last.head_sha);
  } catch (error) {
    console.log(`could not read the last successful run (${(error as Error).message}): deploying every API`);
    return { kind: 'all' };
  }
}
