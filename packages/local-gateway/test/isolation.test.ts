/**
 * A function cannot stop the gateway: each execution environment is a process of its own, so a handler that signals,
 * exits or crashes its process ends only that environment, as a function on Lambda cannot reach API Gateway. Runs
 * `portico-gateway` from source in its own process, since the failure this guards against ends the process.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FUNCTION_OVERRIDES, writeTestStack } from './fixtures/test-stack';
import { request } from './helpers';

jest.setTimeout(60_000);


const HOSTILE_HANDLER = `
export const handler = async (event) => {
  const how = (event.queryStringParameters || {}).how;
  if (how === 'sigterm') process.kill(process.pid, 'SIGTERM');
  if (how === 'exit') process.exit(3);
  if (how === 'throw-later') setTimeout(() => { throw new Error('uncaught'); }, 0);
  if (how) await new Promise(() => {});
  return { statusCode: 200, body: String(process.pid) };
};`;

describe('function isolation', () => {
  it.each(['sigterm', 'exit', 'throw-later'])(
    'survives a handler that ends its own process (%s): 502 Runtime.ExitError, then a fresh environment',
    async (how) => {
      // Arrange
      const dir = mkdtempSync(join(tmpdir(), 'portico-isolation-'));
      const handler = join(dir, 'hostile.mjs');
      writeFileSync(handler, HOSTILE_HANDLER);
      const stack = writeTestStack();
      const overrides = { ...FUNCTION_OVERRIDES, 'portico-slow': handler };
      const tsx = require.resolve('tsx/cli');
      const args = [tsx, join(__dirname, '..', 'src', 'cli.ts'), '--stack', stack.file, '--stage', 'test', '--port', '0', '--no-watch'];
      for (const [name, file] of Object.entries(overrides)) args.push('--function', `${name}=${file}`);
      const gateway = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      gateway.stdout.on('data', (c: Buffer) => (output += c.toString()));
      gateway.stderr.on('data', (c: Buffer) => (output += c.toString()));
      try {
        const url = await new Promise<string>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(output)), 30_000);
          gateway.stdout.on('data', () => {
            const match = /at (http:\/\/127\.0\.0\.1:\d+\/\S+)/.exec(output);
            if (match?.[1]) (clearTimeout(timer), resolve(match[1]));
          });
        });
        const first = await request(`${url}/slow`);
        // Act
        const hostile = await request(`${url}/slow?how=${how}`).catch((error: Error) => error);
        const after = await request(`${url}/slow`).catch((error: Error) => error);
        // Assert
        expect(gateway.exitCode).toBeNull();
        expect(hostile).not.toBeInstanceOf(Error);
        expect((hostile as Awaited<ReturnType<typeof request>>).status).toBe(502);
        expect(after).not.toBeInstanceOf(Error);
        expect((after as Awaited<ReturnType<typeof request>>).status).toBe(200);
        // The environment that died is not the one serving now.
        expect((after as Awaited<ReturnType<typeof request>>).text).not.toBe(first.text);
        expect(output).toMatch(/GET \/test\/slow 502 .*Runtime\.ExitError: Runtime exited with error/);
      } finally {
        gateway.kill('SIGTERM');
        rmSync(dir, { recursive: true, force: true });
        rmSync(stack.dir, { recursive: true, force: true });
      }
    },
  );
});
