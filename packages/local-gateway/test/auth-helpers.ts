import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { createGateway, createManualClock, loadStackFile, type Gateway, type GatewayOptions, type ManualClock } from '../src/index';
import { AUTH_FUNCTIONS, writeAuthStack } from './fixtures/auth-stack';

export interface AuthHarness {
  gateway: Gateway;
  url: string;
  clock: ManualClock;
  logs: string[];
  close(): Promise<void>;
}

/** The gateway on the authorizers' stack, on loopback, with a manual clock and captured logs. */
export async function startAuthGateway(options: Partial<GatewayOptions> = {}, mutate?: Parameters<typeof writeAuthStack>[0]): Promise<AuthHarness> {
  const { dir, file } = writeAuthStack(mutate);
  const clock = createManualClock();
  const logs: string[] = [];
  const sink = new PassThrough();
  sink.resume();
  const gateway = createGateway(loadStackFile(file), {
    stage: 'test',
    clock,
    functions: AUTH_FUNCTIONS,
    log: (line) => logs.push(line),
    functionOutput: { stdout: sink, stderr: sink },
    watch: false,
    concurrency: 2,
    ...options,
  });
  const url = await gateway.listen();
  return {
    gateway,
    url,
    clock,
    logs,
    close: async () => {
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
