/**
 * The post-deploy smoke test: the stage answers `GET /hello` and `GET /users` through its invoke URL.
 *
 * A fresh deployment can answer 403/5xx for a few seconds while API Gateway and the Lambda settle, so each check is
 * retried with a bounded number of attempts before the deploy is called broken.
 */

export interface SmokeCheck {
  name: string;
  path: string;
  /** Returns a reason when the response is wrong, undefined when it is right. */
  verify: (status: number, body: string) => string | undefined;
}

export interface SmokeResult {
  name: string;
  url: string;
  ok: boolean;
  attempts: number;
  status?: number;
  reason?: string;
}

export interface SmokeOptions {
  /** Tries per check before it fails. @default 10 */
  attempts?: number;
  /** Wait before the first retry, doubled after each failure up to `maxDelayMs`. @default 1000 */
  delayMs?: number;
  /** @default 10000 */
  maxDelayMs?: number;
  /** Per-request timeout. @default 10000 */
  timeoutMs?: number;
  /** The text `GET /hello` must carry in its `message`; any non-empty message passes when unset. */
  expectedHelloMessage?: string;
  /** Sent as `x-api-key` when given (reads don't need one; a key-protected stage variant would). */
  apiKey?: string;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

/** The checks the deploy workflow runs against a stage. */
export function defaultChecks(expectedHelloMessage?: string): SmokeCheck[] {
  return [
    {
      name: 'hello',
      path: '/hello',
      verify: (status, body) => {
        if (status !== 200) return `expected 200, got ${status}`;
        const message = parseJson(body)?.message;
        if (typeof message !== 'string' || message === '') return `expected a JSON body with a "message", got ${clip(body)}`;
        if (expectedHelloMessage !== undefined && !message.includes(expectedHelloMessage)) {
          return `expected the message to contain ${JSON.stringify(expectedHelloMessage)}, got ${JSON.stringify(message)}`;
        }
        return undefined;
      },
    },
    {
      name: 'users',
      path: '/users',
      verify: (status, body) => {
        if (status !== 200) return `expected 200, got ${status}`;
        if (parseJson(body) === undefined) return `expected a JSON body, got ${clip(body)}`;
        return undefined;
      },
    },
  ];
}

/**
 * Runs every check against `baseUrl` (the stage's invoke URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/dev`).
 *
 * @example
 * const results = await smokeTest('https://abc.execute-api.eu-west-1.amazonaws.com/dev');
 * if (results.some((r) => !r.ok)) process.exitCode = 1;
 */
export async function smokeTest(baseUrl: string, options: SmokeOptions = {}, checks = defaultChecks(options.expectedHelloMessage)) {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`Not an http(s) URL: ${baseUrl}`);
  const results: SmokeResult[] = [];
  for (const check of checks) results.push(await runCheck(base, check, options));
  return results;
}

async function runCheck(base: URL, check: SmokeCheck, options: SmokeOptions): Promise<SmokeResult> {
  const attempts = options.attempts ?? 10;
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? (() => {});
  const url = new URL(check.path.replace(/^\//, ''), base).toString();
  let delay = options.delayMs ?? 1000;
  let last: SmokeResult = { name: check.name, url, ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await doFetch(url, {
        headers: options.apiKey ? { 'x-api-key': options.apiKey } : {},
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const body = await res.text();
      const reason = check.verify(res.status, body);
      last = { name: check.name, url, ok: reason === undefined, attempts: attempt, status: res.status, reason };
    } catch (error) {
      last = { name: check.name, url, ok: false, attempts: attempt, reason: `request failed: ${describe(error)}` };
    }
    log(`${last.ok ? 'ok  ' : 'FAIL'} ${check.name} GET ${url} (attempt ${attempt}/${attempts})${last.reason ? `: ${last.reason}` : ''}`);
    if (last.ok) return last;
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 10_000);
    }
  }
  return last;
}

function parseJson(body: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function clip(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
  }
  return String(error);
}
