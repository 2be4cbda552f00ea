/** `pnpm deploy` in infra (what `pnpm turbo deploy` runs): see USAGE. */
import { parseArgs } from 'node:util';
import { checkDestroy, chooseStage, deploy, deploySummary } from './deploy';

const USAGE = `usage: pnpm turbo deploy [-- --stage dev|prod] [--destroy [--confirm <stack>]]
       (in infra: pnpm run deploy --stage dev)

Builds the users-api bundle (turbo), synthesizes the stack of ONE stage and runs terraform init + apply on it.
  --stage <name>   dev or prod; else the STAGE variable; else dev. prod is only ever deployed when named.
  --destroy        terraform destroy instead of apply. Destroying prod also needs --confirm users-api-prod.

Target and state, from the environment:
  AWS_ENDPOINT_URL=http://127.0.0.1:5000   apply to a local AWS emulator (moto_server); state <stack>.emulator.tfstate
  PORTICO_STATE_BUCKET (+ _REGION, _LOCK_TABLE, _PREFIX)   S3 state with locking; default: local, infra/state/
  PORTICO_STATE_DIR    local state directory          PORTICO_CDKTF_OUT   synth output directory
  TF_PLUGIN_MIRROR     install the aws provider from this filesystem mirror (offline)`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      destroy: { type: 'boolean', default: false },
      confirm: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const { stage, from } = chooseStage(values.stage, process.env.STAGE, USAGE);
  console.log(`stage ${stage} (${from})`);
  checkDestroy(stage, values.destroy, values.confirm);
  const result = await deploy({ stage, destroy: values.destroy, env: process.env, echo: true });
  console.log('');
  for (const line of deploySummary(result)) console.log(line);
}

main().catch((error: unknown) => {
  console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
