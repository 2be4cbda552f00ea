/**
 * Runs one function's code the way Lambda does: each execution environment is a child process of its own (the
 * function's own environment variables, a V8 heap sized from its memory), initialised once (cold start measured and
 * reported), serving one invocation at a time. Nothing a handler does to its process — `process.exit`,
 * `process.kill(process.pid)`, a crash, running out of heap, a polluted prototype — reaches the gateway, as nothing a
 * function does reaches API Gateway: the environment dies (`Runtime.ExitError`) and the next request gets a fresh one.
 *
 * Concurrency, as Lambda counts it: at most `concurrencyLimit` invocations of a function are in flight at once — its
 * reserved concurrency from the stack, else a local default (`DEFAULT_CONCURRENCY_LIMIT`); one over it is throttled
 * (`TooManyRequestsException`) without running. Under the limit, a request that finds no idle environment gets one,
 * as Lambda scales out: at once while the function has fewer than `EAGER_ENVIRONMENTS` of them, else once it has
 * waited `SCALE_OUT_DELAY_MS` while every busy environment has been on its invocation at least as long. That is a local
 * approximation: Lambda starts an environment for every concurrent request, but a process per keep-alive connection
 * would cost a fast handler on a laptop far more in cold starts and CPU taken from the running ones than the moment it
 * waits for a warm one (the queue moves every fraction of a millisecond); a request stuck behind slow ones (a stalled
 * database) gets its own environment after the delay instead of waiting for them. The waiting line is thereby bounded
 * by the limit. Environments are also capped by the machine (`maxEnvironments`), so a burst of
 * stalled requests cannot fork more processes than the machine has memory for.
 *
 * A timed-out environment is killed (Lambda kills it too); the next request gets a fresh cold start. `reload()`
 * retires every environment so new code is served from the next request on, without restarting the gateway.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism, totalmem } from 'node:os';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { prepareFunctionCode, type FunctionCode } from './function-code';
import type { LambdaFunctionDef } from './terraform-stack';

const RUNTIME_PATH = fileURLToPath(new URL('./lambda-runtime.mjs', import.meta.url));
/** Lambda's init phase limit. */
const INIT_TIMEOUT_MS = 10_000;
/**
 * Concurrency of a function without reserved concurrency: the least Lambda leaves unreserved in an account (it keeps
 * 100 units for functions that reserve none), so a function deployed without a reservation can always reach it.
 */
export const DEFAULT_CONCURRENCY_LIMIT = 100;
/** Environments a function gets without waiting: one per core, at least 2, at most 8. */
export const EAGER_ENVIRONMENTS = Math.min(8, Math.max(2, availableParallelism()));
/**
 * How long a request waits for a busy environment before it gets a new one, once a function has EAGER_ENVIRONMENTS:
 * long enough that a loaded machine descheduling a process for a few tens of milliseconds does not look like a stuck
 * environment, short next to the stalls it is for (a database that does not answer for seconds).
 */
export const SCALE_OUT_DELAY_MS = 100;
/** An environment beyond EAGER_ENVIRONMENTS left idle this long is retired, as Lambda reaps idle environments. */
const IDLE_RETIRE_MS = 5 * 60_000;
/** Lambda's synchronous invocation payload limit, request side: the event's JSON, in bytes (6 MiB). */
export const MAX_REQUEST_PAYLOAD_BYTES = 6_291_456;
/** Response side, as Lambda enforces it: the function's serialized result, in bytes (its error says 6291556). */
export const MAX_RESPONSE_PAYLOAD_BYTES = 6_291_556;

/**
 * The size Lambda's limit measures, the event's JSON in bytes, or 0 where it is certainly under the limit. Everything
 * but the body comes from the request line and headers, which Node's HTTP parser caps at 16 KiB; even repeated in the
 * event's maps and escaped six-fold that stays under 1 MiB, so only an event with a long body is serialized to be
 * measured (the IPC channel serializes it anyway; measuring every event would double that work).
 */
function requestPayloadBytes(event: unknown): number {
  const body = (event as { body?: unknown } | null)?.body;
  if (typeof body !== 'string' || body.length * 6 + 2 ** 20 <= MAX_REQUEST_PAYLOAD_BYTES) return 0;
  return Buffer.byteLength(JSON.stringify(event));
}

/**
 * The V8 heap Lambda's Node.js bootstrap gives a function of `memoryMb`: a tenth of the memory for the young
 * generation (`--max-semi-space-size` = memory / 20) and the rest for the old one. V8 sizes the young generation at
 * three semi-spaces. Matching it keeps garbage collection (how often, what gets promoted, when a function runs out of
 * heap) like the deployed function's.
 *
 * @example
 * lambdaHeapLimits(512); // { maxOldGenerationSizeMb: 461, maxYoungGenerationSizeMb: 75 }
 */
export function lambdaHeapLimits(memoryMb: number): { maxOldGenerationSizeMb: number; maxYoungGenerationSizeMb: number } {
  const memory = Math.max(128, memoryMb);
  const youngMb = Math.floor(memory / 10);
  return { maxOldGenerationSizeMb: memory - youngMb, maxYoungGenerationSizeMb: 3 * Math.floor(youngMb / 2) };
}

/**
 * The node flags that give an environment process that heap.
 *
 * @example
 * lambdaNodeFlags(128); // ['--max-old-space-size=116', '--max-semi-space-size=6']
 */
export function lambdaNodeFlags(memoryMb: number): string[] {
  const limits = lambdaHeapLimits(memoryMb);
  return [`--max-old-space-size=${limits.maxOldGenerationSizeMb}`, `--max-semi-space-size=${limits.maxYoungGenerationSizeMb / 3}`];
}

export type InvokeOutcome =
  /** The function's result, as parsed from the JSON it was serialized to. */
  | { kind: 'ok'; result: unknown }
  | { kind: 'error'; errorType: string; errorMessage: string }
  | { kind: 'timeout'; seconds: number }
  /** Lambda refused the invocation: the function is at its concurrency limit (429 TooManyRequestsException). */
  | { kind: 'throttled'; limit: number }
  /** Lambda refused the invocation: the event is over the payload limit (413 RequestTooLargeException). */
  | { kind: 'request-too-large'; bytes: number };

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
  /** Concurrency limit of a function the stack reserves none for (default DEFAULT_CONCURRENCY_LIMIT). */
  concurrency?: number;
  /** Where the function's console output goes. Default: the process's stdout/stderr. */
  output?: { stdout: Writable; stderr: Writable };
}

interface Environment {
  child: ChildProcess;
  generation: number;
  ready: Promise<number>;
  /** Set once init has succeeded: invocations go straight to the process from then on. */
  initMs?: number;
  dead: boolean;
  /** When it last went idle (performance.now()). */
  idleSince: number;
  /** When its current invocation (or its cold start) began; undefined while idle. */
  busySince: number | undefined;
  onMessage?: (msg: RuntimeMessage) => void;
  onExit?: (error: Error) => void;
}

interface Invocation {
  event: unknown;
  awsRequestId: string;
  started: number;
  resolve: (report: InvokeReport) => void;
  reject: (error: Error) => void;
}

type RuntimeMessage =
  | { type: 'ready' }
  | { type: 'init-error'; error: { errorType: string; errorMessage: string } }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'too-large'; id: number; bytes: number }
  | { type: 'error'; id: number; error: { errorType: string; errorMessage: string } };

/**
 * The execution environments of one function.
 *
 * @example
 * const pool = new FunctionPool(stack.functions.get('orders-api')!, { region: 'us-east-1' });
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
  /** Accepted invocations not yet answered: running, starting or waiting. */
  private inFlight = 0;
  private scaleOutTimer: NodeJS.Timeout | undefined;
  private scaleOutArmed = false;
  private readonly reaper: NodeJS.Timeout;
  private nextId = 1;
  private closed = false;
  /** Invocations in flight at once before Lambda throttles. */
  readonly concurrencyLimit: number;
  /** Environment processes at once: the limit, or fewer where the machine's memory would not hold them. */
  readonly maxEnvironments: number;

  constructor(
    readonly fn: LambdaFunctionDef,
    private readonly options: FunctionPoolOptions,
  ) {
    this.code = prepareFunctionCode(fn, options.codeOverride);
    this.concurrencyLimit = Math.max(0, fn.reservedConcurrency ?? options.concurrency ?? DEFAULT_CONCURRENCY_LIMIT);
    // Environments whose memory settings together fit in half of the machine's memory.
    const byMemory = Math.floor(totalmem() / 2 / (Math.max(128, fn.memoryMb) * 2 ** 20));
    this.maxEnvironments = Math.min(this.concurrencyLimit, Math.max(EAGER_ENVIRONMENTS, byMemory));
    this.reaper = setInterval(() => this.reapIdle(), IDLE_RETIRE_MS / 5).unref();
  }

  /** Retires the least recently used idle environments beyond EAGER_ENVIRONMENTS once they have idled IDLE_RETIRE_MS. */
  private reapIdle(): void {
    const before = performance.now() - IDLE_RETIRE_MS;
    while (this.environments.size > EAGER_ENVIRONMENTS && this.idle.length > 0 && this.idle[0]!.idleSince < before) this.retire(this.idle.shift()!);
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
      const started = performance.now();
      const bytes = requestPayloadBytes(event);
      if (bytes > MAX_REQUEST_PAYLOAD_BYTES) {
        resolve({ outcome: { kind: 'request-too-large', bytes }, durationMs: 0 });
        return;
      }
      if (this.inFlight >= this.concurrencyLimit) {
        resolve({ outcome: { kind: 'throttled', limit: this.concurrencyLimit }, durationMs: 0 });
        return;
      }
      this.inFlight += 1;
      const invocation: Invocation = { event, awsRequestId, started, resolve, reject };
      const env = this.takeIdle() ?? (this.environments.size < Math.min(EAGER_ENVIRONMENTS, this.maxEnvironments) ? this.spawn() : undefined);
      if (env) this.start(env, invocation);
      else this.enqueue(invocation);
    });
  }

  /** The most recently used warm environment of the current code, if any. */
  private takeIdle(): Environment | undefined {
    for (;;) {
      const env = this.idle.pop();
      if (!env) return undefined;
      if (!env.dead && env.generation === this.generation) return env;
      this.retire(env);
    }
  }

  private enqueue(invocation: Invocation): void {
    this.queue.push(invocation);
    if (!this.scaleOutArmed) this.armScaleOut(SCALE_OUT_DELAY_MS);
  }

  /**
   * Gives the oldest waiting request an environment of its own once it has waited SCALE_OUT_DELAY_MS and every busy
   * environment has been on its current invocation at least that long: stuck ones (a stalled dependency) get company,
   * while a queue that moves (fast handlers keeping the cores busy) is left to drain, since another process would only
   * take CPU from the ones already running.
   */
  private scaleOut(): void {
    if (this.closed) return;
    while (this.queue.length > 0 && this.environments.size < this.maxEnvironments) {
      const due = performance.now() - SCALE_OUT_DELAY_MS;
      if (this.queue[0]!.started > due || !this.allBusySince(due)) break;
      this.start(this.spawn(), this.queue.shift()!);
    }
    const oldest = this.queue[0];
    if (oldest && this.environments.size < this.maxEnvironments) {
      this.armScaleOut(Math.max(1, oldest.started + SCALE_OUT_DELAY_MS - performance.now()));
    }
  }

  /**
   * Runs scaleOut() in `ms`, after that turn's I/O: timers run before the loop reads its sockets, so a timer that
   * fired late, on a busy gateway, would judge environments by answers not yet read.
   */
  private armScaleOut(ms: number): void {
    this.scaleOutArmed = true;
    this.scaleOutTimer = setTimeout(() => {
      setImmediate(() => {
        this.scaleOutArmed = false;
        this.scaleOut();
      });
    }, ms);
  }

  /** Whether every environment not idle has been busy since `before` or earlier. */
  private allBusySince(before: number): boolean {
    for (const env of this.environments) if (env.busySince !== undefined && env.busySince > before) return false;
    return true;
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
        this.inFlight -= 1;
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
    env.busySince = performance.now();
    const finish = (outcome: InvokeOutcome) => {
      clearTimeout(timer);
      env.onMessage = undefined;
      env.onExit = undefined;
      this.inFlight -= 1;
      invocation.resolve({ outcome, coldStartMs, durationMs: performance.now() - invocation.started });
      if (outcome.kind === 'timeout' || env.dead || env.generation !== this.generation || this.closed) {
        this.retire(env);
        this.next();
        return;
      }
      // Hand the environment straight to the oldest waiting request, if any.
      const waiting = this.queue.shift();
      if (waiting) this.run(env, waiting, undefined);
      else {
        env.idleSince = performance.now();
        env.busySince = undefined;
        this.idle.push(env);
      }
    };
    const timer = setTimeout(() => {
      this.options.output?.stderr.write?.(
        `${new Date().toISOString()} ${invocation.awsRequestId} Task timed out after ${this.fn.timeoutSeconds.toFixed(2)} seconds\n`,
      );
      env.dead = true;
      env.child.kill('SIGKILL');
      finish({ kind: 'timeout', seconds: this.fn.timeoutSeconds });
    }, timeoutMs);
    env.onMessage = (msg) => {
      if (!('id' in msg) || msg.id !== id) return;
      if (msg.type === 'result') finish({ kind: 'ok', result: msg.result });
      else if (msg.type === 'too-large') {
        finish({
          kind: 'error',
          errorType: 'Function.ResponseSizeTooLarge',
          errorMessage: `Response payload size (${msg.bytes} bytes) exceeded maximum allowed payload size (${MAX_RESPONSE_PAYLOAD_BYTES} bytes).`,
        });
      } else if (msg.type === 'error') finish({ kind: 'error', errorType: msg.error.errorType, errorMessage: msg.error.errorMessage });
    };
    env.onExit = (error) => finish({ kind: 'error', errorType: 'Runtime.ExitError', errorMessage: error.message });
    env.child.send({ type: 'invoke', id, event: invocation.event, deadline: Date.now() + timeoutMs, awsRequestId: invocation.awsRequestId });
  }

  /** After an environment went away: start the oldest waiting request on another one. */
  private next(): void {
    if (this.queue.length === 0 || this.closed) return;
    const env = this.takeIdle() ?? (this.environments.size < this.maxEnvironments ? this.spawn() : undefined);
    if (env) this.start(env, this.queue.shift()!);
  }

  private spawn(): Environment {
    const fn = this.fn;
    const code = this.code;
    const spawnedAt = performance.now();
    const logStreamName = `${new Date().toISOString().slice(0, 10).replace(/-/g, '/')}/[$LATEST]${Math.random().toString(16).slice(2, 14)}`;
    const meta = {
      handlerFile: code.handlerFile,
      exportName: code.exportName,
      functionName: fn.functionName,
      memoryMb: fn.memoryMb,
      arn: fn.arn,
      logGroupName: `/aws/lambda/${fn.functionName}`,
      logStreamName,
      maxResponseBytes: MAX_RESPONSE_PAYLOAD_BYTES,
    };
    const child = fork(RUNTIME_PATH, [JSON.stringify(meta)], {
      cwd: code.taskRoot,
      env: this.environmentVariables(code, logStreamName),
      // Only the heap flags: never the gateway's own (a loader, an inspector) nor NODE_OPTIONS.
      execArgv: lambdaNodeFlags(fn.memoryMb),
      // JSON, as Lambda's invoke payload is: the event and the result each cross as one JSON text, serialized and
      // parsed once (V8's structured serialization cost about a third more CPU per /hello on both sides).
      serialization: 'json',
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const env: Environment = { child, generation: this.generation, dead: false, idleSince: 0, busySince: spawnedAt, ready: Promise.resolve(0) };
    const output = this.options.output ?? { stdout: process.stdout, stderr: process.stderr };
    // Forwarded chunk by chunk rather than piped: a pipe per environment would pile listeners onto the shared stream.
    child.stdout!.on('data', (chunk: Buffer) => output.stdout.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => output.stderr.write(chunk));
    env.ready = new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        env.dead = true;
        child.kill('SIGKILL');
        reject(Object.assign(new Error(`Init timed out after ${INIT_TIMEOUT_MS / 1000} seconds`), { errorType: 'Runtime.InitTimeout' }));
      }, INIT_TIMEOUT_MS);
      env.onMessage = (msg) => {
        if (msg.type === 'ready') {
          clearTimeout(timer);
          // Reported init covers the whole environment start (process + module load), as Lambda's Init Duration does.
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
    child.on('message', (msg: RuntimeMessage) => env.onMessage?.(msg));
    child.on('error', (error) => {
      env.dead = true;
      env.onExit?.(error);
    });
    child.on('exit', (exitCode, signal) => {
      env.dead = true;
      this.environments.delete(env);
      // Lambda's wording for an environment that went away mid-invocation.
      env.onExit?.(new Error(`Runtime exited with error: ${signal ? `signal: ${signal.replace(/^SIG/, '').toLowerCase()}` : `exit status ${exitCode}`}`));
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
    if (env.child.exitCode === null && env.child.signalCode === null) env.child.kill('SIGKILL');
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.scaleOutTimer);
    clearInterval(this.reaper);
    for (const invocation of this.queue.splice(0)) invocation.reject(new Error(`${this.fn.functionName}: gateway is closing`));
    this.idle.length = 0;
    const exits = [...this.environments].map((env) =>
      env.child.exitCode !== null || env.child.signalCode !== null ? undefined : new Promise((resolve) => env.child.once('exit', resolve)),
    );
    for (const env of this.environments) env.child.kill('SIGKILL');
    await Promise.all(exits);
    this.environments.clear();
    this.code.dispose();
  }
}
