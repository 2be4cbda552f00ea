/**
 * Runs one function's code the way Lambda does: each execution environment is a worker thread with the function's own
 * environment variables, initialised once (cold start measured and reported), serving one invocation at a time.
 *
 * Concurrency: up to `concurrency` environments per function (default 4), created on demand like Lambda scales out;
 * further requests wait in a FIFO queue, so the gateway's event loop is never blocked by handler code. A timed-out
 * environment is terminated (Lambda kills it too); the next request gets a fresh cold start. `reload()` retires every
 * environment so new code is served from the next request on, without restarting the gateway.
 */
import { Worker } from 'node:worker_threads';
import type { Writable } from 'node:stream';
import { prepareFunctionCode, type FunctionCode } from './function-code';
import type { LambdaFunctionDef } from './terraform-stack';

const RUNTIME_URL = new URL('./lambda-runtime.mjs', import.meta.url);
/** Lambda's init phase limit. */
const INIT_TIMEOUT_MS = 10_000;

export type InvokeOutcome =
  | { kind: 'ok'; payload: string }
  | { kind: 'error'; errorType: string; errorMessage: string }
  | { kind: 'timeout'; seconds: number };

export interface InvokeReport {
  outcome: InvokeOutcome;
  /** Init duration when this invocation paid a cold start. */
  coldStartMs?: number;
  durationMs: number;
}

export interface FunctionPoolOptions {
  region: string;
  /** Extra variables that win over the stack's (e.g. AWS_ENDPOINT_URL_DYNAMODB). */
  envOverrides?: Record<string, string>;
  /** Bundle or zip to run instead of the stack's `filename`. */
  codeOverride?: string;
  concurrency?: number;
  /** Where the function's console output goes. Default: the process's stdout/stderr. */
  output?: { stdout: Writable; stderr: Writable };
}

interface Environment {
  worker: Worker;
  generation: number;
  ready: Promise<number>;
  busy: boolean;
  dead: boolean;
  invocations: number;
  onMessage?: (msg: WorkerMessage) => void;
  onExit?: (error: Error) => void;
}

type WorkerMessage =
  | { type: 'ready'; initMs: number }
  | { type: 'init-error'; error: { errorType: string; errorMessage: string } }
  | { type: 'result'; id: number; payload: string }
  | { type: 'error'; id: number; error: { errorType: string; errorMessage: string } };

/**
 * The execution environments of one function.
 *
 * @example
 * const pool = new FunctionPool(stack.functions.get('users-api')!, { region: 'us-east-1' });
 * const { outcome, coldStartMs } = await pool.invoke(event, requestId);
 * await pool.close();
 */
export class FunctionPool {
  private code: FunctionCode;
  private generation = 0;
  private readonly environments = new Set<Environment>();
  private readonly queue: Array<() => void> = [];
  private nextId = 1;
  private closed = false;
  readonly concurrency: number;

  constructor(
    readonly fn: LambdaFunctionDef,
    private readonly options: FunctionPoolOptions,
  ) {
    this.code = prepareFunctionCode(fn, options.codeOverride);
    this.concurrency = Math.max(1, options.concurrency ?? 4);
  }

  /** The file hot reload watches. */
  get watchPath(): string {
    return this.code.watchPath;
  }

  /** Serves new code from the next request on: re-reads the code and retires every environment. */
  reload(): void {
    const next = prepareFunctionCode(this.fn, this.options.codeOverride);
    const previous = this.code;
    this.code = next;
    this.generation += 1;
    for (const env of this.environments) {
      if (!env.busy) this.retire(env);
    }
    // Old extracted files stay until busy environments finish with them.
    setTimeout(() => previous.dispose(), (this.fn.timeoutSeconds + 1) * 1000).unref();
  }

  async invoke(event: unknown, awsRequestId: string): Promise<InvokeReport> {
    const started = performance.now();
    const env = await this.acquire();
    let coldStartMs: number | undefined;
    try {
      const initMs = await env.ready;
      if (env.invocations === 0) coldStartMs = initMs;
      env.invocations += 1;
    } catch (error) {
      this.retire(env);
      this.release();
      const e = error as { errorType?: string; message: string };
      return { outcome: { kind: 'error', errorType: e.errorType ?? 'Runtime.InitError', errorMessage: e.message }, durationMs: performance.now() - started };
    }
    const outcome = await this.run(env, event, awsRequestId);
    env.busy = false;
    if (outcome.kind === 'timeout' || env.dead || env.generation !== this.generation) this.retire(env);
    this.release();
    return { outcome, coldStartMs, durationMs: performance.now() - started };
  }

  private run(env: Environment, event: unknown, awsRequestId: string): Promise<InvokeOutcome> {
    const id = this.nextId++;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    return new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => {
        this.options.output?.stderr.write?.(
          `${new Date().toISOString()} ${awsRequestId} Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds\n`,
        );
        env.dead = true;
        void env.worker.terminate();
        resolve({ kind: 'timeout', seconds: this.fn.timeoutSeconds });
      }, timeoutMs);
      env.onMessage = (msg) => {
        if ((msg.type === 'result' || msg.type === 'error') && msg.id === id) {
          clearTimeout(timer);
          env.onMessage = undefined;
          env.onExit = undefined;
          if (msg.type === 'result') resolve({ kind: 'ok', payload: msg.payload });
          else resolve({ kind: 'error', errorType: msg.error.errorType, errorMessage: msg.error.errorMessage });
        }
      };
      env.onExit = (error) => {
        clearTimeout(timer);
        resolve({ kind: 'error', errorType: 'Runtime.ExitError', errorMessage: error.message });
      };
      env.worker.postMessage({ type: 'invoke', id, event, deadline: Date.now() + timeoutMs, awsRequestId });
    });
  }

  private async acquire(): Promise<Environment> {
    for (;;) {
      if (this.closed) throw new Error(`${this.fn.functionName}: gateway is closing`);
      for (const env of this.environments) {
        if (!env.busy && !env.dead && env.generation === this.generation) {
          env.busy = true;
          return env;
        }
      }
      const live = [...this.environments].filter((e) => !e.dead).length;
      if (live < this.concurrency) {
        const env = this.spawn();
        env.busy = true;
        return env;
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
  }

  private release(): void {
    this.queue.shift()?.();
  }

  private spawn(): Environment {
    const fn = this.fn;
    const code = this.code;
    const spawnedAt = performance.now();
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${Math.random().toString(16).slice(2, 14)}`;
    const env: Environment = {
      worker: new Worker(RUNTIME_URL, {
        workerData: {
          handlerFile: code.handlerFile,
          exportName: code.exportName,
          functionName: fn.functionName,
          memoryMb: fn.memoryMb,
          arn: fn.arn,
          logGroupName: `/aws/lambda/${fn.functionName}`,
          logStreamName,
        },
        env: this.environmentVariables(code, logStreamName),
        // nodejs22.x runs ESM syntax in a .js file without "type": "module"; Node 20 needs the flag to do the same.
        execArgv: Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-detect-module'] : [],
        stdout: true,
        stderr: true,
        resourceLimits: { maxOldGenerationSizeMb: Math.max(64, fn.memoryMb) },
      }),
      generation: this.generation,
      busy: false,
      dead: false,
      invocations: 0,
      ready: Promise.resolve(0),
    };
    const output = this.options.output ?? { stdout: process.stdout, stderr: process.stderr };
    env.worker.stdout.pipe(output.stdout, { end: false });
    env.worker.stderr.pipe(output.stderr, { end: false });
    env.ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        env.dead = true;
        void env.worker.terminate();
        reject(Object.assign(new Error(`Init timed out after ${INIT_TIMEOUT_MS / 1000} seconds`), { errorType: 'Runtime.InitTimeout' }));
      }, INIT_TIMEOUT_MS);
      env.onMessage = (msg) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          // Reported init covers the whole environment start (thread + module load), as Lambda's Init Duration does.
          resolve(performance.now() - spawnedAt);
        } else if (msg.type === 'init-error') {
          clearTimeout(timer);
          env.dead = true;
          reject(Object.assign(new Error(msg.error.errorMessage), { errorType: msg.error.errorType }));
        }
      };
      env.onExit = (error) => {
        clearTimeout(timer);
        reject(Object.assign(error, { errorType: 'Runtime.ExitError' }));
      };
    });
    env.ready.catch(() => undefined);
    env.worker.on('message', (msg: WorkerMessage) => env.onMessage?.(msg));
    env.worker.on('error', (error) => {
      env.dead = true;
      env.onExit?.(error);
    });
    env.worker.on('exit', (exitCode) => {
      env.dead = true;
      this.environments.delete(env);
      env.onExit?.(new Error(`Runtime exited with code ${exitCode}`));
    });
    this.environments.add(env);
    return env;
  }

  private environmentVariables(code: FunctionCode, logStreamName: string): Record<string, string> {
    const fn = this.fn;
    const inherited: Record<string, string> = {};
    for (const key of ['PATH', 'HOME', 'LANG', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) {
      const value = process.env[key];
      if (value !== undefined) inherited[key] = value;
    }
    return {
      ...inherited,
      // Lambda always provides credentials; local emulators (dynalite) accept any, so give the SDK something to sign with.
      AWS_ACCESS_KEY_ID: inherited.AWS_ACCESS_KEY_ID ?? 'local',
      AWS_SECRET_ACCESS_KEY: inherited.AWS_SECRET_ACCESS_KEY ?? 'local',
      AWS_REGION: this.options.region,
      AWS_DEFAULT_REGION: this.options.region,
      AWS_LAMBDA_FUNCTION_NAME: fn.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memoryMb),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${fn.functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      LAMBDA_TASK_ROOT: code.taskRoot,
      TZ: 'UTC',
      ...fn.environment,
      ...this.options.envOverrides,
    };
  }

  private retire(env: Environment): void {
    env.dead = true;
    this.environments.delete(env);
    void env.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const resolve of this.queue.splice(0)) resolve();
    await Promise.all([...this.environments].map((env) => env.worker.terminate()));
    this.environments.clear();
    this.code.dispose();
  }
}
