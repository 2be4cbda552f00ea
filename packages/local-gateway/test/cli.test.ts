import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findRepoRoot } from '../src/dev';
import { FUNCTION_OVERRIDES, writeTestStack } from './fixtures/test-stack';

const ROOT = findRepoRoot(__dirname);
const DIST = join(__dirname, '..', 'dist', 'cli.js');

/** The built CLI when `pnpm build` ran (as in CI, where test depends on build), else the source through tsx. */
function cliCommand(): string[] {
  if (existsSync(DIST)) return [DIST];
  return [createRequire(join(ROOT, 'package.json')).resolve('tsx/cli'), join(__dirname, '..', 'src', 'cli.ts')];
}

function run(args: string[]) {
  const child = spawn(process.execPath, [...cliCommand(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('portico-gateway CLI', () => {
  jest.setTimeout(30_000);

  it('serves a stack on a free port, prints URL and keys, logs requests and stops on SIGINT', async () => {
    // Arrange
    const { file } = writeTestStack();
    const overrides = Object.entries(FUNCTION_OVERRIDES).flatMap(([name, path]) => ['--function', `${name}=${path}`]);
    const cli = run(['--stack', file, '--stage', 'test', '--port', '0', '--host', '127.0.0.1', '--no-watch', '--env', 'LOCAL_OVERRIDE=cli', ...overrides]);
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(cli.output())), 20_000);
        cli.child.stdout.on('data', () => {
          const match = /at (http:\/\/127\.0\.0\.1:\d+\/test)/.exec(cli.output());
          if (match?.[1]) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      // Act
      const res = await fetch(`${url}/echo`);
      const body = (await res.json()) as { env: Record<string, string> };
      // Assert
      expect(res.status).toBe(200);
      expect(body.env.LOCAL_OVERRIDE).toBe('cli');
      expect(cli.output()).toMatch(/API key fixed-key: fixed-key-0123456789abcdefghij/);
      expect(cli.output()).toMatch(/API key generated-key: [a-z0-9]{40} \(generated locally\)/);
      await new Promise((r) => setTimeout(r, 50));
      expect(cli.output()).toMatch(/^GET \/test\/echo 200 \d+ms \(cold start \d+ms\)$/m);
    } finally {
      cli.child.kill('SIGINT');
    }
    expect(await cli.exited).toBe(0);
  });

  it('refuses a stack it cannot emulate, naming the resource, with exit code 1', async () => {
    const { file } = writeTestStack((json: any) => {
      json.resource.aws_api_gateway_method.echo_id_get.authorization = 'COGNITO_USER_POOLS';
    });
    const cli = run(['--stack', file, '--stage', 'test', '--port', '0']);
    expect(await cli.exited).toBe(1);
    expect(cli.output()).toContain('aws_api_gateway_method.echo_id_get: authorization "COGNITO_USER_POOLS" is not emulated');
  });

  it('prints usage and exits 2 without --stack', async () => {
    const cli = run(['--stage', 'dev']);
    expect(await cli.exited).toBe(2);
    expect(cli.output()).toContain('Usage: portico-gateway --stack');
  });
});
