/** Deploys one stage and exposes its outputs (invoke_url, cloudfront_url) as step outputs. */
import { appendStepSummary, setOutput } from '../actions-env';
import { deployStage } from '../deploy-stage';
import { main, parseCli, repoRoot } from './args';

const USAGE = `usage: deploy-stage <stage>          (or STAGE=<stage> deploy-stage)

Runs \`STAGE=<stage> pnpm turbo run deploy\` (build, synth, terraform apply), then reads the
stack's outputs. In GitHub Actions it sets the step outputs invoke_url and cloudfront_url.
State: local by default; S3 with locking when PORTICO_STATE_BUCKET is set (see packages/delivery/README.md).`;

main(async () => {
  const { positionals } = parseCli(USAGE, {});
  const stage = positionals[0] || process.env.STAGE;
  if (!stage) throw new Error(`a stage is required\n\n${USAGE}`);
  const result = await deployStage({ repoRoot: repoRoot(), stage });
  for (const [name, value] of Object.entries(result.outputs)) {
    if (typeof value === 'string') setOutput(name, value);
  }
  console.log(`deployed ${result.stack}: ${result.invokeUrl ?? '(no invoke_url output)'}`);
  appendStepSummary(`Deployed \`${result.stack}\`: ${result.invokeUrl ?? 'no invoke URL'}${result.cloudfrontUrl ? ` (CloudFront: ${result.cloudfrontUrl})` : ''}`);
  if (!result.invokeUrl) throw new Error(`${result.stack} has no invoke_url output`);
});
