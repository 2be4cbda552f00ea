/**
 * The post-deploy smoke test: each deployed stage answers the checks its API declares (`smoke` in its
 * `portico.config.ts`: a path, the status, text the body contains) through its invoke URL.
 *
 * A fresh deployment can answer 403/5xx for a few seconds while API Gateway and the Lambda settle, so each check is
 * retried with a bounded number of attempts before the deploy is called broken.
 */
import { stackName, type SmokeCheck } from '@portico/infra/api';

/** One request of a smoke test and how its answer is judged. */
export interface SmokeProbe {
  /** How the probe reads in a log line, e.g. `GET /health`. */
  name: string;
  /** Under the stage URL, query included. */
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
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

/**
 * The probes of an API's declared checks: each must answer its `status` (200 unless given) with a body containing
 * `contains`. An API that declares none gets one probe, that the stage answers at all: its root without a 5xx (API
 * Gateway answers a path no route declares with a 403, which is an answer).
 *
 * @example
 * smokeProbes([{ path: '/health', contains: '"ok"' }]); // [{ name: 'GET /health', path: '/health', verify }]
 */
export function smokeProbes(declared: readonly SmokeCheck[] | undefined): SmokeProbe[] {
  if (!declared || declared.length === 0) {
    return [
      {
        name: 'GET / (the stage answers)',
        path: '/',
        verify: (status) => (status < 500 ? undefined : `expected the stage to answer, got ${status}`),
      },
    ];
  }
  return declared.map((check) => {
    const expected = check.status ?? 200;
    return {
      name: `GET ${check.path}`,
      path: check.path,
      verify: (status, body) => {
        if (status !== expected) return `expected ${expected}, got ${status} ${clip(body)}`;
        if (check.contains !== undefined && !body.includes(check.contains)) {
          return `expected the body to contain ${JSON.stringify(check.contains)}, got ${clip(body)}`;
        }
        return undefined;
      },
    };
  });
}

/**
 * Runs every probe against `baseUrl` (the stage's invoke URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/dev`).
 *
 * @example
 * const results = await smokeTest('https://abc.execute-api.eu-west-1.amazonaws.com/dev', smokeProbes(api.config.smoke));
 * if (results.some((r) => !r.ok)) process.exitCode = 1;
 */
export async function smokeTest(baseUrl: string, probes: readonly SmokeProbe[], options: SmokeOptions = {}): Promise<SmokeResult[]> {
  const base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error(`Not an http(s) URL: ${baseUrl}`);
  const results: SmokeResult[] = [];
  for (const probe of probes) results.push(await runProbe(base, probe, options));
  return results;
}

/** An API a stack belongs to, as far as the smoke test needs it. */
export interface SmokeTarget {
  name: string;
  stages: readonly string[];
  smoke?: readonly SmokeCheck[];
}

/**
 * Smoke-tests each deployed stack with its own API's checks. A stack no API declares is an error: its checks are
 * unknown, and passing it unchecked would hide a broken deploy.
 *
 * @example
 * await smokeStacks({ 'orders-api-dev': 'https://abc.execute-api.eu-west-1.amazonaws.com/dev' }, apis);
 */
export async function smokeStacks(
  invokeUrls: Readonly<Record<string, string>>,
  apis: readonly SmokeTarget[],
  options: SmokeOptions = {},
): Promise<Array<{ stack: string; api: string; url: string; results: SmokeResult[] }>> {
  const owners = new Map<string, SmokeTarget>();
  for (const api of apis) for (const stage of api.stages) owners.set(stackName(api, stage), api);
  const unknown = Object.keys(invokeUrls).filter((stack) => !owners.has(stack));
  if (unknown.length > 0) {
    throw new Error(`No API declares ${unknown.join(', ')} (declared stacks: ${[...owners.keys()].join(', ') || 'none'})`);
  }
  const tested = [];
  for (const [stack, url] of Object.entries(invokeUrls)) {
    const api = owners.get(stack)!;
    options.log?.(`${stack} (${url}):`);
    tested.push({ stack, api: api.name, url, results: await smokeTest(url, smokeProbes(api.smoke), options) });
  }
  return tested;
}

async function runProbe(base: URL, probe: SmokeProbe, options: SmokeOptions): Promise<SmokeResult> {
  const attempts = options.attempts ?? 10;
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? (() => {});
  const url = new URL(probe.path.replace(/^\//, ''), base).toString();
  let delay = options.delayMs ?? 1000;
  let last: SmokeResult = { name: probe.name, url, ok: false, attempts: 0 };
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const res = await doFetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      const body = await res.text();
      const reason = probe.verify(res.status, body);
      last = { name: probe.name, url, ok: reason === undefined, attempts: attempt, status: res.status, reason };
    } catch (error) {
      last = { name: probe.name, url, ok: false, attempts: attempt, reason: `request failed: ${describe(error)}` };
    }
    log(`${last.ok ? 'ok  ' : 'FAIL'} GET ${url} (attempt ${attempt}/${attempts})${last.reason ? `: ${last.reason}` : ''}`);
    if (last.ok) return last;
    if (attempt < attempts) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, options.maxDelayMs ?? 10_000);
    }
  }
  return last;
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
