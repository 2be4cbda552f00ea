import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createGateway, createManualClock, loadStackFile, type Gateway, type GatewayOptions, type ManualClock } from '../src/index';
import { FUNCTION_OVERRIDES, writeTestStack } from './fixtures/test-stack';

export interface Harness {
  gateway: Gateway;
  url: string;
  clock: ManualClock;
  logs: string[];
  functionOutput: string[];
  close(): Promise<void>;
}

/** Starts the gateway on the test stack, on a free loopback port, with a manual clock and captured logs. */
export async function startTestGateway(options: Partial<GatewayOptions> = {}, mutate?: Parameters<typeof writeTestStack>[0]): Promise<Harness> {
  return startGatewayOn(writeTestStack(mutate), FUNCTION_OVERRIDES, options);
}

/** Serves a stack written to a temp directory (removed on close), with a manual clock and captured logs and output. */
export async function startGatewayOn(
  stack: { file: string; dir: string },
  functions: Record<string, string>,
  options: Partial<GatewayOptions> = {},
): Promise<Harness> {
  const clock = createManualClock();
  const logs: string[] = [];
  const functionOutput: string[] = [];
  const sink = new PassThrough();
  sink.on('data', (chunk: Buffer) => functionOutput.push(chunk.toString()));
  const gateway = createGateway(loadStackFile(stack.file), {
    stage: 'test',
    clock,
    functions,
    log: (line) => logs.push(line),
    functionOutput: { stdout: sink, stderr: sink },
    watch: false,
    ...options,
  });
  const url = await gateway.listen();
  return {
    gateway,
    url,
    clock,
    logs,
    functionOutput,
    close: async () => {
      await gateway.close();
      rmSync(stack.dir, { recursive: true, force: true });
    },
  };
}

/** fetch, with the body read as text. */
export async function request(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; text: string; json: <T = any>() => T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) };
}
