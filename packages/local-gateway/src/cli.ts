/**
 * `portico-gateway --stack <cdk.tf.json> --stage <name> [--port N] [--host H] [--function name=path] [--env K=V]
 * [--users file.json] [--credentials file.json] [--keys-dir dir] [--cognito-port N] [--tokens]`
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createGateway } from './gateway';
import { loadStackFile } from './terraform-stack';

const USAGE = `Usage: portico-gateway --stack <cdk.tf.json> --stage <name> [options]

Options:
  --stack <file>          synthesized Terraform JSON (e.g. infra/cdktf.out/stacks/orders-api-dev/cdk.tf.json)
  --stage <name>          stage to serve (e.g. dev)
  --port <n>              port (default 3000, or $PORT)
  --host <h>              host (default 127.0.0.1, or $HOST)
  --function <name=path>  run this bundle (.js/.mjs/.cjs) or zip for a function instead of its filename (repeatable)
  --env <K=V>             environment variable for every function, over the stack's (repeatable)
  --api <name>            REST API name, when the stack has several
  --concurrency <n>       execution environments per function (default: one per CPU core, 2 to 8)
  --no-watch              do not reload functions when their code changes
  --users <file.json>     users of the stack's Cognito user pools: [{ "username", "password", "email"?, "groups"?, "pool"? }]
  --credentials <file>    IAM credentials AWS_IAM methods accept: [{ "accessKeyId", "secretAccessKey", "arn", "allow"? }]
                          (default: one pair for user/portico-local, printed at start)
  --keys-dir <dir>        keep the user pools' signing keys here, so tokens survive a restart
  --cognito-port <n>      port of the local Cognito endpoint (JWKS, InitiateAuth sign-in; default: a free port)
  --tokens                print an ID and an access token for each user at start
`;

/** A JSON list from a file, or a clear error naming the flag. */
function jsonList<T>(file: string | undefined, flag: string): T[] | undefined {
  if (file === undefined) return undefined;
  const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(value)) throw new Error(`${flag} ${file}: expected a JSON list`);
  return value as T[];
}

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
      users: { type: 'string' },
      credentials: { type: 'string' },
      'keys-dir': { type: 'string' },
      'cognito-port': { type: 'string' },
      tokens: { type: 'boolean' },
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
    users: jsonList(values.users, '--users'),
    credentials: jsonList(values.credentials, '--credentials'),
    keysDir: values['keys-dir'],
    cognitoPort: values['cognito-port'] === undefined ? undefined : Number(values['cognito-port']),
  });
  await gateway.listen();
  if (values.tokens) {
    for (const t of await gateway.tokensFor()) {
      process.stdout.write(`  ${t.username} (${t.poolId}, client ${t.clientId}):\n    ID token:     ${t.idToken}\n    access token: ${t.accessToken}\n`);
    }
  }
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
