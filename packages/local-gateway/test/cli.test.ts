import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { AUTH_FUNCTIONS, writeAuthStack } from './fixtures/auth-stack';
import { FUNCTION_OVERRIDES, writeTestStack } from './fixtures/test-stack';

const DIST = join(__dirname, '..', 'dist', 'cli.js');

/** The built CLI when `pnpm build` ran (as in CI, where test depends on build), else the source through tsx. */
function cliCommand(): string[] {
  if (existsSync(DIST)) return [DIST];
  return [require.resolve('tsx/cli'), join(__dirname, '..', 'src', 'cli.ts')];
}

function run(args: string[]) {
  const child = spawn(process.execPath, [...cliCommand(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves to the stage URL the CLI prints once it listens. */
function servedUrl(cli: ReturnType<typeof run>): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(cli.output())), 20_000);
    cli.child.stdout.on('data', () => {
      const match = /at (http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(cli.output());
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
}

/**
 * A REST API written by hand as Terraform JSON, the way a non-cdktf project would: no cdktf metadata, a variable with
 * a default, an interpolated Lambda URI, the stage named on the deployment, a MOCK method on the root.
 */
function writeHandWrittenStack(): string {
  const dir = mkdtempSync(join(tmpdir(), 'portico-foreign-'));
  const code = "exports.handler = async (e) => ({ statusCode: 200, body: `hi ${e.pathParameters.name} from ${process.env.AWS_REGION}` });";
  writeFileSync(join(dir, 'hello.zip'), zipSync({ 'index.js': new TextEncoder().encode(code) }));
  const api = '${aws_api_gateway_rest_api.api.id}';
  const stack = {
    variable: { fn_name: { type: 'string', default: 'hello-fn' } },
    provider: { aws: { region: 'eu-central-1' } },
    resource: {
      aws_lambda_function: {
        hello: { function_name: '${var.fn_name}', handler: 'index.handler', runtime: 'nodejs20.x', filename: 'hello.zip', role: 'arn:aws:iam::1:role/x' },
      },
      aws_api_gateway_rest_api: { api: { name: 'foreign' } },
      aws_api_gateway_resource: {
        greet: { rest_api_id: api, parent_id: '${aws_api_gateway_rest_api.api.root_resource_id}', path_part: 'greet' },
        name: { rest_api_id: api, parent_id: '${aws_api_gateway_resource.greet.id}', path_part: '{name}' },
      },
      aws_api_gateway_method: {
        greet_name: { rest_api_id: api, resource_id: '${aws_api_gateway_resource.name.id}', http_method: 'GET', authorization: 'NONE' },
        root: { rest_api_id: api, resource_id: '${aws_api_gateway_rest_api.api.root_resource_id}', http_method: 'GET', authorization: 'NONE' },
      },
      aws_api_gateway_integration: {
        greet_name: {
          rest_api_id: api,
          resource_id: '${aws_api_gateway_resource.name.id}',
          http_method: '${aws_api_gateway_method.greet_name.http_method}',
          type: 'AWS_PROXY',
          integration_http_method: 'POST',
          uri: 'arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/${aws_lambda_function.hello.arn}/invocations',
        },
        root: {
          rest_api_id: api,
          resource_id: '${aws_api_gateway_rest_api.api.root_resource_id}',
          http_method: 'GET',
          type: 'MOCK',
          request_templates: { 'application/json': '{"statusCode": 200}' },
        },
      },
      aws_api_gateway_integration_response: {
        root: { rest_api_id: api, resource_id: '${aws_api_gateway_rest_api.api.root_resource_id}', http_method: 'GET', status_code: '200', response_templates: { 'application/json': '{"ok":true}' } },
      },
      aws_api_gateway_deployment: { v1: { rest_api_id: api, stage_name: 'v1', depends_on: ['aws_api_gateway_integration.greet_name'] } },
    },
  };
  const file = join(dir, 'main.tf.json');
  writeFileSync(file, JSON.stringify(stack));
  return file;
}

describe('portico-gateway CLI', () => {
  jest.setTimeout(30_000);

  it('serves a stack on a free port, prints URL and keys, logs requests and stops on SIGINT', async () => {
    // Arrange
    const { file } = writeTestStack();
    const overrides = Object.entries(FUNCTION_OVERRIDES).flatMap(([name, path]) => ['--function', `${name}=${path}`]);
    const cli = run(['--stack', file, '--stage', 'test', '--port', '0', '--host', '127.0.0.1', '--no-watch', '--env', 'LOCAL_OVERRIDE=cli', ...overrides]);
    try {
      const url = await servedUrl(cli);
      // Act
      const res = await fetch(`${url}/echo`);
      const body = (await res.json()) as { env: Record<string, string> };
      // Assert
      expect(res.status).toBe(200);
      expect(body.env.LOCAL_OVERRIDE).toBe('cli');
      expect(cli.output()).toMatch(/API key fixed-key: fixed-key-0123456789abcdefghij/);
      expect(cli.output()).toMatch(/API key generated-key: [a-z0-9]{40} \(generated locally\)/);
      // The request log is written in batches: wait for the line however long this machine takes to write it.
      while (!/^GET \/test\/echo /m.test(cli.output())) await new Promise((r) => setTimeout(r, 10));
      expect(cli.output()).toMatch(/^GET \/test\/echo 200 \d+ms \(cold start \d+ms\)$/m);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(0);
  });

  it('serves a stack with authorizers: each pool\'s issuer, JWKS and sign-in URL, a token per --users user, the IAM credentials', async () => {
    // Arrange
    const { dir, file } = writeAuthStack();
    const users = join(dir, 'users.json');
    writeFileSync(users, JSON.stringify([{ username: 'alice', password: 'pw', email: 'alice@example.com', groups: ['admins'], pool: 'portico-users' }]));
    const overrides = Object.entries(AUTH_FUNCTIONS).flatMap(([name, path]) => ['--function', `${name}=${path}`]);
    const cli = run(['--stack', file, '--stage', 'test', '--port', '0', '--no-watch', '--users', users, '--tokens', ...overrides]);
    try {
      const url = await servedUrl(cli);
      while (!/access token: /.test(cli.output())) await new Promise((r) => setTimeout(r, 10));
      const idToken = /ID token: +(\S+)/.exec(cli.output())![1]!;
      // Act
      const withToken = await fetch(`${url}/cognito`, { headers: { Authorization: idToken } });
      const withoutToken = await fetch(`${url}/cognito`);
      // Assert
      expect(cli.output()).toMatch(/user pool portico-users \(eu-west-1_[A-Za-z0-9]{9}\): issuer https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_/);
      expect(cli.output()).toMatch(/JWKS http:\/\/127\.0\.0\.1:\d+\/eu-west-1_[A-Za-z0-9]{9}\/\.well-known\/jwks\.json; sign in: POST http:\/\/127\.0\.0\.1:\d+ /);
      expect(cli.output()).toMatch(/IAM credentials for arn:aws:iam::123456789012:user\/portico-local: AWS_ACCESS_KEY_ID=AKIA[A-Z0-9]{16} /);
      expect(withToken.status).toBe(200);
      expect(withoutToken.status).toBe(401);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(0);
  });

  it('serves a hand-written Terraform JSON stack, not only cdktf output', async () => {
    // Arrange
    const cli = run(['--stack', writeHandWrittenStack(), '--stage', 'v1', '--port', '0', '--no-watch']);
    try {
      const url = await servedUrl(cli);
      // Act
      const greeting = await fetch(`${url}/greet/ann`);
      const root = await fetch(`${url}/`);
      // Assert
      expect(url).toMatch(/\/v1$/);
      expect(await greeting.text()).toBe('hi ann from eu-central-1');
      expect(await root.json()).toEqual({ ok: true });
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(0);
  });

  it.each([
    [
      'a Cognito-authorized method without an authorizer',
      (json: any) => (json.resource.aws_api_gateway_method.echo_id_get.authorization = 'COGNITO_USER_POOLS'),
      'aws_api_gateway_method.echo_id_get: authorization "COGNITO_USER_POOLS" needs an authorizer_id',
    ],
    [
      'a Lambda authorizer whose function is not in the stack',
      (json: any) =>
        (json.resource.aws_api_gateway_authorizer = {
          token: {
            name: 'token',
            rest_api_id: '${aws_api_gateway_rest_api.api_restapi_A1B2.id}',
            type: 'TOKEN',
            authorizer_uri: 'arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:1:function:gone/invocations',
          },
        }),
      'aws_api_gateway_authorizer.token: authorizer_uri targets function "gone", which is not in the stack',
    ],
    [
      'an HTTP proxy integration',
      (json: any) => Object.assign(json.resource.aws_api_gateway_integration.echo_id_get, { type: 'HTTP_PROXY', uri: 'https://example.com/{id}' }),
      'aws_api_gateway_integration.echo_id_get: integration type "HTTP_PROXY" is not emulated; only AWS_PROXY (Lambda) and MOCK are',
    ],
    [
      'a non-proxy AWS integration',
      (json: any) => (json.resource.aws_api_gateway_integration.echo_id_get.type = 'AWS'),
      'aws_api_gateway_integration.echo_id_get: integration type "AWS" is not emulated',
    ],
  ])('refuses %s, naming the resource, with exit code 1', async (_label, mutate, message) => {
    // Arrange
    const { file } = writeTestStack(mutate);
    // Act
    const cli = run(['--stack', file, '--stage', 'test', '--port', '0']);
    // Assert
    expect(await cli.exited).toBe(1);
    const lines = cli.output().trim().split('\n');
    expect(lines).toHaveLength(1); // one line naming the resource, no stack trace
    expect(lines[0]!.slice(0, 'portico-gateway: '.length + message.length)).toBe(`portico-gateway: ${message}`);
  });

  it('exits 1 naming the known stages for an unknown stage, and the known functions for an unknown --function', async () => {
    const { file } = writeTestStack();
    const stage = run(['--stack', file, '--stage', 'nope', '--port', '0']);
    const fn = run(['--stack', file, '--stage', 'test', '--port', '0', '--function', 'portico-ech0=/tmp/x.js']);
    expect(await stage.exited).toBe(1);
    expect(stage.output()).toContain('No REST API with stage "nope" in the stack (found: portico-test-api/test)');
    expect(await fn.exited).toBe(1);
    expect(fn.output()).toContain('function override "portico-ech0": the stack has no aws_lambda_function with that function_name (it has: portico-echo,');
  });

  it('prints usage and exits 2 without --stack', async () => {
    const cli = run(['--stage', 'dev']);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('Usage: portico-gateway --stack');
  });
});
