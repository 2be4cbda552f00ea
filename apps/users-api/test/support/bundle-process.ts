import type { ProxyEvent } from '@portico/http';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

const MARK = '@@result ';

// Runs in the child: loads the bundle like the Lambda runtime would (a plain ES module import), then answers one
// JSON event per stdin line with one marked JSON line on stdout.
const RUNNER = `
import { createInterface } from 'node:readline';
const { handler } = await import(process.env.BUNDLE_URL);
const context = { awsRequestId: 'bundle-test', functionName: 'users-api', getRemainingTimeInMillis: () => 29000 };
for await (const line of createInterface({ input: process.stdin })) {
  let out;
  try {
    out = { result: await handler(JSON.parse(line), context) };
  } catch (error) {
    out = { thrown: String(error && error.stack || error) };
  }
  process.stdout.write(${JSON.stringify(MARK)} + JSON.stringify(out) + '\\n');
}
`;

/** A bundle loaded in its own `node` process, called one event at a time. */
export interface BundleProcess {
  call(event: ProxyEvent): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts `node` on the bundle at `bundlePath` with `env` added to this process's environment. */
export function startBundleProcess(bundlePath: string, env: Record<string, string>): BundleProcess {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['--input-type=module', '-e', RUNNER], {
    env: { ...process.env, ...env, BUNDLE_URL: pathToFileURL(bundlePath).href },
    stdio: 'pipe',
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const waiting: { resolve(value: unknown): void; reject(error: Error): void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith(MARK)) return;
    const out = JSON.parse(line.slice(MARK.length)) as { result?: unknown; thrown?: string };
    const next = waiting.shift();
    if (out.thrown === undefined) next?.resolve(out.result);
    else next?.reject(new Error(`the bundled handler threw: ${out.thrown}`));
  });
  child.on('exit', (code) => {
    for (const next of waiting.splice(0)) next.reject(new Error(`bundle process exited (${code}): ${stderr}`));
  });
  return {
    call(event) {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.stdin.write(`${JSON.stringify(event)}\n`);
      });
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.stdin.end();
      });
    },
  };
}
