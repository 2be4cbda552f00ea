/**
 * `portico-gateway --stack <cdk.tf.json> --stage <name> [--port N] [--host H] [--function name=path] [--env K=V]`
 */
import { parseArgs } from 'node:util';
import { createGateway } from './gateway';
import { loadStackFile } from './terraform-stack';

const USAGE = `Usage: portico-gateway --stack <cdk.tf.json> --stage <name> [options]

Options:
  --stack <file>          synthesized Terraform JSON (e.g. infra/cdktf.out/stacks/users-api-dev/cdk.tf.json)
  --stage <name>          stage to serve (e.g. dev)
  --port <n>              port (default 3000, or $PORT)
  --host <h>              host (default 127.0.0.1, or $HOST)
  --function <name=path>  run this bundle (.js/.mjs/.cjs) or zip for a function instead of its filename (repeatable)
  --env <K=V>             environment variable for every function, over the stack's (repeatable)
  --api <name>            REST API name, when the stack has several
  --concurrency <n>       execution environments per function (default: one per CPU core, 2 to 8)
  --no-watch              do not reload functions when their code changes
`;

function pairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq <= 0) throw new Error(`${flag} expects name=value, got "${value}"`);
    out[value.slice(0, eq)] = value.slice(eq + 1);
  }
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      stack: { type: 'string' },
      stage: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      function: { type: 'string', multiple: true },
      env: { type: 'string', multiple: true },
      api: { type: 'string' },
      concurrency: { type: 'string' },
      'no-watch': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || !values.stack || !values.stage) {
    process.stdout.write(USAGE);
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  const gateway = createGateway(loadStackFile(values.stack), {
    stage: values.stage,
    apiName: values.api,
    port: Number(values.port ?? process.env.PORT ?? 3000),
    host: values.host ?? process.env.HOST ?? '127.0.0.1',
    functions: pairs(values.function, '--function'),
    env: pairs(values.env, '--env'),
    concurrency: values.concurrency === undefined ? undefined : Number(values.concurrency),
    watch: !values['no-watch'],
  });
  await gateway.listen();
  const stop = () => {
    void gateway.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`portico-gateway: ${(error as Error).message}\n`);
  process.exit(1);
});
