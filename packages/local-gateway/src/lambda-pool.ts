/**
 * Runs one function's code the way Lambda does: each execution environment is a worker thread with the function's own
 * environment variables, initialised once (cold start measured and reported), serving one invocation at a time.
 *
 * Concurrency: up to `concurrency` environments per function (default: one per CPU core, 2 to 8), created on demand
 * like Lambda scales out; further requests wait in a FIFO queue, so the gateway's event loop is never blocked by handler
 * code. The default follows the cores because an environment is a thread with its own V8 heap and JIT: past one per
 * core, more of them only add context switches, compilation and garbage collection (on 2 cores, 4 environments cost
 * about twice the CPU per request of 2 for a DynamoDB-bound handler), while a request never waits long for a warm one. A timed-out
 * environment is terminated (Lambda kills it too); the next request gets a fresh cold start. `reload()` retires every
 * environment so new code is served from the next request on, without restarting the gateway.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Writable } from 'node:stream';
import { prepareFunctionCode, type FunctionCode } from './function-code';
import type { LambdaFunctionDef } from './terraform-stack';

const RUNTIME_URL = new URL('./lambda-runtime.mjs', import.meta.url);
/** Lambda's init phase limit. */
const INIT_TIMEOUT_MS = 10_000;
/** Execution environments per function unless told otherwise: one per core, at least 2, at most 8. */
export const DEFAULT_CONCURRENCY = Math.min(8, Math.max(2, availableParallelism()));

/**
 * The V8 heap Lambda's Node.js bootstrap gives a function of `memoryMb`: a tenth of the memory for the young
 * generation (`--max-semi-space-size` = memory / 20) and the rest for the old one. A worker takes the young
 * generation's total size, which V8 sizes at three semi-spaces. Matching it keeps garbage collection (how often,
 * what gets promoted, when a function runs out of heap) like the deployed function's.
 *
 * @example
 * lambdaHeapLimits(512); // { maxOldGenerationSizeMb: 461, maxYoungGenerationSizeMb: 75 }
 */
export function lambdaHeapLimits(memoryMb: number): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  const memory = Math.max(128, memoryMb);
  const youngMb = Math.floor(memory / 10);
  return { maxOldGenerationSizeMb: memory - youngMb, maxYoungGenerationSizeMb: 3 * Math.floor(youngMb / 2) };
}

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
  /** Set once init has succeeded: invocations go straight to the worker from then on. */
  initMs?: number;
  dead: boolean;
  invocations: number;
  onMessage?: (msg: WorkerMessage) => void;
  onExit?: (error: Error) => void;
}

interface Invocation {
  event: unknown;
  awsRequestId: string;
  started: number;
  resolve: (report: InvokeReport) => void;
  reject: (error: Error) => void;
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
  /** Warm environments waiting for work, most recently used last. */
  private readonly idle: Environment[] = [];
  /** Invocations waiting for an environment, oldest first. */
  private readonly queue: Invocation[] = [];
  private nextId = 1;
  private closed = false;
  readonly concurrency: number;

  constructor(
    readonly fn: LambdaFunctionDef,
    private readonly options: FunctionPoolOptions,
  ) {
    this.code = prepareFunctionCode(fn, options.codeOverride);
    this.concurrency = Math.max(1, options.concurrency ?? DEFAULT_CONCURRENCY);
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
    for (const env of this.idle.splice(0)) this.retire(env);
    // Old extracted files stay until busy environments finish with them.
    setTimeout(() => previous.dispose(), (this.fn.timeoutSeconds + 1) * 1000).unref();
  }

  invoke(event: unknown, awsRequestId: string): Promise<InvokeReport> {
    return new Promise<InvokeReport>((resolve, reject) => {
      if (this.closed) {
        reject(new Error(`${this.fn.functionName}: gateway is closing`));
        return;
      }
      const invocation: Invocation = { event, awsRequestId, started: performance.now(), resolve, reject };
      const env = this.acquire();
      if (env) this.start(env, invocation);
      else this.queue.push(invocation);
    });
  }

  /** A warm environment, else a new one while under the concurrency limit, else none (the caller queues). */
  private acquire(): Environment | undefined {
    for (;;) {
      const env = this.idle.pop();
      if (!env) break;
      if (!env.dead && env.generation === this.generation) return env;
      this.retire(env);
    }
    return this.environments.size < this.concurrency ? this.spawn() : undefined;
  }

  private start(env: Environment, invocation: Invocation): void {
    if (env.initMs !== undefined) {
      this.run(env, invocation, undefined);
      return;
    }
    env.ready.then(
      (initMs) => {
        env.initMs = initMs;
        this.run(env, invocation, initMs);
      },
      (error: { errorType?: string; message: string }) => {
        this.retire(env);
        invocation.resolve({
          outcome: { kind: 'error', errorType: error.errorType ?? 'Runtime.InitError', errorMessage: error.message },
          durationMs: performance.now() - invocation.started,
        });
        this.next();
      },
    );
  }

  private run(env: Environment, invocation: Invocation, coldStartMs: number | undefined): void {
    const id = this.nextId++;
    const timeoutMs = this.fn.timeoutSeconds * 1000;
    env.invocations += 1;
    const finish = (outcome: InvokeOutcome) => {
      clearTimeout(timer);
      env.onMessage = undefined;
      env.onExit = undefined;
      invocation.resolve({ outcome, coldStartMs, durationMs: performance.now() - invocation.started });
      if (outcome.kind === 'timeout' || env.dead || env.generation !== this.generation || this.closed) {
        this.retire(env);
        this.next();
        return;
      }
      // Hand the environment straight to the oldest waiting request, if any.
      const waiting = this.queue.shift();
      if (waiting) this.run(env, waiting, undefined);
      else this.idle.push(env);
    };
    const timer = setTimeout(() => {
      this.options.output?.stderr.write?.(
        `${new Date().toISOString()} ${invocation.awsRequestId} Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds\n`,
      );
      env.dead = true;
      void env.worker.terminate();
      finish({ kind: 'timeout', seconds: this.fn.timeoutSeconds });
    }, timeoutMs);
    env.onMessage = (msg) => {
      if (msg.type === 'result' && msg.id === id) finish({ kind: 'ok', payload: msg.payload });
      else if (msg.type === 'error' && msg.id === id) finish({ kind: 'error', errorType: msg.error.errorType, errorMessage: msg.error.errorMessage });
    };
    env.onExit = (error) => finish({ kind: 'error', errorType: 'Runtime.ExitError', errorMessage: error.message });
    env.worker.postMessage({ type: 'invoke', id, event: invocation.event, deadline: Date.now() + timeoutMs, awsRequestId: invocation.awsRequestId });
  }

  /** After an environment went away: start the oldest waiting request on another one, if the limit allows. */
  private next(): void {
    if (this.queue.length === 0 || this.closed) return;
    const env = this.acquire();
    if (env) this.start(env, this.queue.shift()!);
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
        stdout: true,
        stderr: true,
        resourceLimits: lambdaHeapLimits(fn.memoryMb),
      }),
      generation: this.generation,
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
    for (const invocation of this.queue.splice(0)) invocation.reject(new Error(`${this.fn.functionName}: gateway is closing`));
    this.idle.length = 0;
    await Promise.all([...this.environments].map((env) => env.worker.terminate()));
    this.environments.clear();
    this.code.dispose();
  }
}
