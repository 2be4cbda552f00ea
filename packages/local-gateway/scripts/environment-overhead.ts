/**
 * What an execution environment in a child process costs per invocation, side by side with one in a worker thread
 * (how environments ran before they became processes). Both serve the same `/hello`-sized proxy event to the same
 * trivial handler with 2 environments, so what differs is the transport and the isolation:
 * - worker: the event object posted to a worker thread (structured clone), the result's JSON posted back — the old
 *   runtime's invoke path, reproduced in `WORKER_SOURCE` below;
 * - process: `FunctionPool.invoke` as the gateway calls it — the event sent over the IPC channel as JSON, parsed in the
 *   child, the result back the same way.
 * Measured, alternating the two in each round (the machine is noisy): sequential latency (one invocation at a time,
 * µs each) and saturated throughput (50 in flight, as the gateway benchmark's connections), with the CPU the gateway's
 * process and the environments spent per invocation (Linux /proc for the children). Figures are medians over the
 * rounds; compare within one run only.
 *
 *   pnpm --filter @portico/local-gateway exec tsx scripts/environment-overhead.ts
 *   OVERHEAD_ROUNDS=<n> (5), OVERHEAD_INVOCATIONS=<n> (20000 per measurement)
 * Writes results/environment-overhead.md next to this package's README.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { FunctionPool } from '../src/lambda-pool';
import { buildProxyEvent } from '../src/proxy-event';
import type { LambdaFunctionDef } from '../src/terraform-stack';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env.OVERHEAD_ROUNDS ?? 5);
const INVOCATIONS = Number(process.env.OVERHEAD_INVOCATIONS ?? 20_000);
const IN_FLIGHT = 50;
const ENVIRONMENTS = 2;

const HANDLER = "export const handler = async () => ({ statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ message: 'Hello, World!' }) });";

/** The old worker runtime's invoke path: event object in, the result's JSON out. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
import(workerData.handlerFile).then(({ handler }) => {
  parentPort.on('message', async (msg) => {
    const result = await handler(msg.event, {});
    parentPort.postMessage({ type: 'result', id: msg.id, payload: JSON.stringify(result) });
  });
  parentPort.postMessage({ type: 'ready' });
});`;

interface Transport {
  invoke(event: unknown): Promise<unknown>;
  /** CPU seconds the environments spent so far (0 where they share the gateway's process). */
  environmentCpu(): number;
  close(): Promise<void>;
}

async function workerTransport(handlerFile: string): Promise<Transport> {
  const workers = await Promise.all(
    Array.from({ length: ENVIRONMENTS }, async () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { handlerFile } });
      await new Promise<void>((resolve) => worker.once('message', () => resolve()));
      return worker;
    }),
  );
  const pending = new Map<number, (payload: string) => void>();
  for (const worker of workers) worker.on('message', (msg: { id: number; payload: string }) => pending.get(msg.id)?.(msg.payload));
  const idle = [...workers];
  const waiting: Array<() => void> = [];
  let nextId = 1;
  return {
    async invoke(event) {
      while (idle.length === 0) await new Promise<void>((resolve) => waiting.push(resolve));
      const worker = idle.pop()!;
      const id = nextId++;
      const payload = await new Promise<string>((resolve) => {
        pending.set(id, resolve);
        worker.postMessage({ type: 'invoke', id, event });
      });
      pending.delete(id);
      idle.push(worker);
      waiting.shift()?.();
      return payload;
    },
    environmentCpu: () => 0,
    close: async () => void (await Promise.all(workers.map((w) => w.terminate()))),
  };
}

async function processTransport(handlerFile: string): Promise<Transport> {
  const fn: LambdaFunctionDef = {
    address: 'aws_lambda_function.bench',
    functionName: 'bench',
    handler: 'handler.handler',
    runtime: 'nodejs22.x',
    filename: handlerFile,
    timeoutSeconds: 30,
    memoryMb: 1024,
    environment: {},
    arn: 'arn:aws:lambda:us-east-1:123456789012:function:bench',
  };
  const pool = new FunctionPool(fn, { region: 'us-east-1', codeOverride: handlerFile });
  // Start both environments, then keep using only them (the concurrency here never waits long enough to scale out).
  await Promise.all([pool.invoke({}, 'warm-1'), pool.invoke({}, 'warm-2')]);
  const pids = (): number[] => {
    const children = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim();
    return children ? children.split(/\s+/).map(Number) : [];
  };
  const ticks = Number(process.env.CLK_TCK ?? 100);
  return {
    async invoke(event) {
      const report = await pool.invoke(event, 'bench');
      if (report.outcome.kind !== 'ok') throw new Error(JSON.stringify(report.outcome));
      return report.outcome.result;
    },
    environmentCpu: () =>
      pids().reduce((sum, pid) => {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        return sum + (Number(fields[11]) + Number(fields[12])) / ticks;
      }, 0),
    close: () => pool.close(),
  };
}

function helloEvent(): unknown {
  return buildProxyEvent({
    httpMethod: 'GET',
    path: '/hello',
    stage: 'dev',
    resourcePath: '/hello',
    resourceId: 'abc123',
    pathParameters: null,
    rawQuery: '',
    rawHeaders: ['Host', '127.0.0.1:3000', 'User-Agent', 'autocannon', 'Accept', '*/*', 'Connection', 'keep-alive'],
    body: new Uint8Array(0),
    binaryMediaTypes: [],
    sourceIp: '127.0.0.1',
    forwardedPort: '3000',
    forwardedProto: 'http',
    traceId: 'Root=1-00000000-000000000000000000000000',
    stageVariables: null,
    accountId: '123456789012',
    apiId: 'a1b2c3d4e5',
    domainName: '127.0.0.1:3000',
    deploymentId: 'a1b2c3',
    requestId: '00000000-0000-4000-8000-000000000000',
    extendedRequestId: 'AAAAAAAAAAAAAAA=',
    requestTimeEpoch: Date.now(),
  });
}

interface Figures {
  sequentialUs: number;
  perSecond: number;
  gatewayCpuUs: number;
  environmentCpuUs: number;
}

async function measure(transport: Transport, event: unknown): Promise<Figures> {
  for (let i = 0; i < 2_000; i++) await transport.invoke(event);
  const sequentialCount = Math.max(1_000, INVOCATIONS / 4);
  let started = performance.now();
  for (let i = 0; i < sequentialCount; i++) await transport.invoke(event);
  const sequentialUs = ((performance.now() - started) * 1000) / sequentialCount;

  const cpuBefore = process.cpuUsage();
  const envBefore = transport.environmentCpu();
  started = performance.now();
  let issued = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (issued < INVOCATIONS) {
        issued += 1;
        await transport.invoke(event);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    sequentialUs,
    perSecond: INVOCATIONS / seconds,
    gatewayCpuUs: (cpu.user + cpu.system) / INVOCATIONS,
    environmentCpuUs: ((transport.environmentCpu() - envBefore) * 1e6) / INVOCATIONS,
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-overhead-'));
  const handlerFile = join(dir, 'handler.mjs');
  writeFileSync(handlerFile, HANDLER);
  const event = helloEvent();
  const results: Record<'worker' | 'process', Figures[]> = { worker: [], process: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of round % 2 === 0 ? (['worker', 'process'] as const) : (['process', 'worker'] as const)) {
        const transport = kind === 'worker' ? await workerTransport(handlerFile) : await processTransport(handlerFile);
        try {
          results[kind].push(await measure(transport, event));
        } finally {
          await transport.close();
        }
        const last = results[kind].at(-1)!;
        console.log(`round ${round + 1} ${kind}: ${last.sequentialUs.toFixed(1)} µs sequential, ${Math.round(last.perSecond)}/s saturated, ${last.gatewayCpuUs.toFixed(1)} + ${last.environmentCpuUs.toFixed(1)} µs CPU`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const row = (label: string, pick: (f: Figures) => number, digits: number) => {
    const w = median(results.worker.map(pick));
    const p = median(results.process.map(pick));
    return `| ${label} | ${w.toFixed(digits)} | ${p.toFixed(digits)} | ${w > 0 ? (p / w).toFixed(2) : '–'} |`;
  };
  const report = [
    '# Execution environments: worker thread vs child process',
    '',
    `Written by \`packages/local-gateway/scripts/environment-overhead.ts\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}.`,
    `A \`/hello\`-sized proxy event (${Buffer.byteLength(JSON.stringify(event))} bytes of JSON) to a handler that answers at once, ${ENVIRONMENTS} environments; medians of ${ROUNDS} rounds, the two kinds alternating.`,
    '',
    '| per invocation | worker thread | child process | process ÷ worker |',
    '| --- | ---: | ---: | ---: |',
    row('sequential latency, µs', (f) => f.sequentialUs, 1),
    row(`saturated, invocations/s (${IN_FLIGHT} in flight)`, (f) => f.perSecond, 0),
    row("saturated, gateway process CPU, µs (workers' included)", (f) => f.gatewayCpuUs, 1),
    row('saturated, environment processes CPU, µs', (f) => f.environmentCpuUs, 1),
    '',
  ].join('\n');
  mkdirSync(join(ROOT, 'results'), { recursive: true });
  writeFileSync(join(ROOT, 'results', 'environment-overhead.md'), report);
  console.log(`\n${report}`);
}

await main();
