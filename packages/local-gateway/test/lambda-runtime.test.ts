import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lambdaHeapLimits } from '../src/lambda-pool';
import { FUNCTION_OVERRIDES } from './fixtures/test-stack';
import { request, startTestGateway, type Harness } from './helpers';

const until = async (check: () => Promise<boolean>, timeoutMs: number) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
};

describe('Lambda runtime emulation', () => {
  let h: Harness;
  beforeAll(async () => {
    // API Gateway's own 29 s integration timeout: no margin here that a loaded machine's cold starts could use up.
    h = await startTestGateway({ env: { LOCAL_OVERRIDE: 'from-cli' } });
  });
  afterAll(() => h.close());

  it('fills the context object', async () => {
    const { context } = (await request(`${h.url}/echo`)).json();
    expect(context.functionName).toBe('portico-echo');
    expect(context.functionVersion).toBe('$LATEST');
    expect(context.invokedFunctionArn).toBe('arn:aws:lambda:eu-west-1:123456789012:function:portico-echo');
    expect(context.memoryLimitInMB).toBe('256');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.logGroupName).toBe('/aws/lambda/portico-echo');
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]+$/);
    // The function's 5 s timeout, counted down from the invocation (how much has passed depends on the machine).
    expect(context.remaining).toBeGreaterThan(0);
    expect(context.remaining).toBeLessThanOrEqual(5_000);
    expect(context.callbackWaitsForEmptyEventLoop).toBe(true);
  });

  it("gives each function its own environment: the stack's variables plus local overrides", async () => {
    const echo = (await request(`${h.url}/echo`)).json().env;
    expect(echo).toEqual({ GREETING: 'hello', AWS_LAMBDA_FUNCTION_NAME: 'portico-echo', LOCAL_OVERRIDE: 'from-cli' });
    const other = (await request(`${h.url}/result?kind=env`)).json();
    expect(other).toEqual({ GREETING: null, OTHER_SECRET: 'results-only' });
  });

  it('reports the cold start once, then serves warm from the same environment', async () => {
    const fresh = await startTestGateway({ concurrency: 1 });
    try {
      const first = await request(`${fresh.url}/echo`);
      const second = await request(`${fresh.url}/echo`);
      expect(second.json().invocations).toBe(first.json().invocations + 1);
      const lines = fresh.logs.filter((l) => l.startsWith('GET /test/echo'));
      expect(lines[0]).toMatch(/\(cold start \d+ms\)/);
      expect(lines[1]).not.toMatch(/cold start/);
    } finally {
      await fresh.close();
    }
  });

  it('serves other requests while functions run, without blocking the gateway', async () => {
    // Arrange: three invocations that take a while (lambda-scaling.test.ts shows, with handlers held on a file, that
    // they run in parallel environments)
    const order: string[] = [];
    const slow = Promise.all([1, 2, 3].map(() => request(`${h.url}/slow?ms=600`).then((r) => (order.push('slow'), r))));
    // Act
    const quick = await request(`${h.url}/mock`).then((r) => (order.push('quick'), r));
    const results = await slow;
    // Assert
    expect(quick.status).toBe(200);
    expect(order[0]).toBe('quick');
    expect(results.map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('answers 504 Endpoint request timed out past the integration timeout', async () => {
    const quick = await startTestGateway({ integrationTimeoutMs: 200 });
    try {
      const res = await request(`${quick.url}/slow?ms=600`);
      expect(res.status).toBe(504);
      expect(res.text).toBe('{"message": "Endpoint request timed out"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
    } finally {
      await quick.close();
    }
  });

  it("uses the integration's own timeout_milliseconds for the 504", async () => {
    // Arrange: 300 ms on the slow integration only, no cap from the options
    const short = await startTestGateway({}, (json: Record<string, any>) => {
      json.resource.aws_api_gateway_integration.slow_get.timeout_milliseconds = 300;
    });
    try {
      // Act
      const res = await request(`${short.url}/slow?ms=800`);
      const other = await request(`${short.url}/echo`);
      // Assert
      expect(res.status).toBe(504);
      expect(res.text).toBe('{"message": "Endpoint request timed out"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
      expect(other.status).toBe(200);
    } finally {
      await short.close();
    }
  });

  it('prefixes function console output like Lambda (time, request id, level)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portico-log-'));
    const file = join(dir, 'logger.mjs');
    writeFileSync(file, "export const handler = async (e, c) => { console.log('hi', { a: 1 }); return { statusCode: 200, body: c.awsRequestId }; };");
    const logging = await startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-slow': file } });
    try {
      const res = await request(`${logging.url}/slow`);
      await until(async () => logging.functionOutput.join('').includes('hi'), 15_000);
      expect(logging.functionOutput.join('')).toMatch(new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[^\\t]+\\t${res.text}\\tINFO\\thi { a: 1 }$`, 'm'));
    } finally {
      await logging.close();
    }
  });

  it("sizes the function's heap as Lambda's Node.js bootstrap does for its memory", async () => {
    // Arrange: portico-slow has the default 128 MB
    const dir = mkdtempSync(join(tmpdir(), 'portico-heap-'));
    const file = join(dir, 'heap.mjs');
    writeFileSync(file, "import v8 from 'node:v8'; export const handler = async () => ({ statusCode: 200, body: String(v8.getHeapStatistics().heap_size_limit) });");
    const sized = await startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-slow': file } });
    try {
      // Act
      const limitMb = Number((await request(`${sized.url}/slow`)).text) / 2 ** 20;
      // Assert: old generation 90 % of the memory plus a young generation of about 10 % (V8 rounds semi-spaces up)
      expect(lambdaHeapLimits(128)).toEqual({ maxOldGenerationSizeMb: 116, maxYoungGenerationSizeMb: 18 });
      expect(lambdaHeapLimits(512)).toEqual({ maxOldGenerationSizeMb: 461, maxYoungGenerationSizeMb: 75 });
      expect(limitMb).toBeGreaterThan(116);
      expect(limitMb).toBeLessThanOrEqual(128 * 1.15);
    } finally {
      await sized.close();
    }
  });
});

/**
 * Runs `test` against the test gateway serving `source` as portico-slow's code (timeout 1 s, 128 MB) in a single
 * environment, then closes the gateway and removes the file.
 */
async function withHandler(source: string, test: (h: Harness) => Promise<void>, fileName = 'handler.mjs'): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'portico-handler-'));
  const file = join(dir, fileName);
  writeFileSync(file, source);
  const h = await startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-slow': file }, concurrency: 1 });
  try {
    await test(h);
  } finally {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('handler styles, as the Node.js runtime runs them', () => {
  it('holds a callback result until the event loop is empty, while callbackWaitsForEmptyEventLoop is true', async () => {
    // Arrange: a timer still pending when the callback is called
    const source =
      "export const handler = (e, c, cb) => { setTimeout(() => {}, 400); cb(null, { statusCode: 200, body: String(c.callbackWaitsForEmptyEventLoop) }); };";
    await withHandler(source, async (h) => {
      // Act
      const started = Date.now();
      const res = await request(`${h.url}/slow`);
      // Assert
      expect(res.text).toBe('true');
      expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    });
  });

  it('answers at once when the handler sets callbackWaitsForEmptyEventLoop to false', async () => {
    const source =
      "export const handler = (e, c, cb) => { c.callbackWaitsForEmptyEventLoop = false; setTimeout(() => {}, 5000); cb(null, { statusCode: 200, body: 'quick' }); };";
    await withHandler(source, async (h) => {
      const res = await request(`${h.url}/slow`);
      expect(res.status).toBe(200);
      expect(res.text).toBe('quick');
      // Not the function's 1 s timeout: the pending timers did not hold the answer.
      expect(h.logs.find((l) => l.startsWith('GET /test/slow'))).not.toMatch(/timed out/);
    });
  });

  it('answers at once for context.succeed and for an error passed to the callback', async () => {
    const source =
      "export const handler = (e, c, cb) => { setTimeout(() => {}, 5000); if (e.queryStringParameters?.fail) cb(new Error('nope')); else c.succeed({ statusCode: 201, body: 'ok' }); };";
    await withHandler(source, async (h) => {
      const succeeded = await request(`${h.url}/slow`);
      const failed = await request(`${h.url}/slow?fail=1`);
      expect(succeeded.status).toBe(201);
      expect(failed.status).toBe(502);
      expect(h.logs.join('\n')).toMatch(/GET \/test\/slow 502 .*Error: nope/);
    });
  });

  it('ends a handler that neither returns a promise nor calls back with a null result (502), not a timeout', async () => {
    await withHandler("export const handler = () => ({ statusCode: 200, body: 'returned, not called back' });", async (h) => {
      const res = await request(`${h.url}/slow`);
      expect(res.status).toBe(502);
      const line = h.logs.find((l) => l.startsWith('GET /test/slow'))!;
      expect(line).toMatch(/Malformed Lambda proxy response/);
      expect(line).not.toMatch(/timed out/);
    });
  });

  it('runs a CommonJS handler (with require) and turns what it throws into 502', async () => {
    const source =
      "exports.handler = async (e) => { if (e.queryStringParameters) throw new RangeError('from cjs'); return { statusCode: 200, body: typeof require }; };";
    await withHandler(
      source,
      async (h) => {
        expect((await request(`${h.url}/slow`)).text).toBe('function');
        expect((await request(`${h.url}/slow?x=1`)).status).toBe(502);
        expect(h.logs.join('\n')).toMatch(/RangeError: from cjs/);
      },
      'handler.cjs',
    );
  });
});

describe("the function's own timeout", () => {
  it('answers 502, terminates the environment and gives the next request a fresh cold start', async () => {
    // Arrange: one environment, so the next request cannot land on another warm one
    const h = await startTestGateway({ concurrency: 1 });
    try {
      await request(`${h.url}/slow?ms=1`); // cold
      await request(`${h.url}/slow?ms=1`); // warm
      // Act
      const timedOut = await request(`${h.url}/slow?ms=1500`); // the function's timeout is 1 s
      const next = await request(`${h.url}/slow?ms=1`);
      // Assert
      expect(timedOut.status).toBe(502);
      expect(timedOut.text).toBe('{"message": "Internal server error"}');
      expect(next.status).toBe(200);
      const lines = h.logs.filter((l) => l.startsWith('GET /test/slow'));
      expect(lines.map((l) => /cold start/.test(l))).toEqual([true, false, false, true]);
      expect(lines[2]).toMatch(/function timed out after 1s/);
      expect(h.functionOutput.join('')).toContain('Task timed out after 1.00 seconds');
    } finally {
      await h.close();
    }
  });
});

describe('hot reload', () => {
  it('serves rebuilt code after reload() and when the watched file changes, without a restart', async () => {
    // Arrange
    const dir = mkdtempSync(join(tmpdir(), 'portico-reload-'));
    const file = join(dir, 'bundle.mjs');
    const version = (v: string) => `export const handler = async () => ({ statusCode: 200, body: '${v}' });`;
    writeFileSync(file, version('v1'));
    const h = await startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-slow': file }, watch: true });
    try {
      expect((await request(`${h.url}/slow`)).text).toBe('v1');
      // Act: explicit reload
      writeFileSync(file, version('v2'));
      h.gateway.reload('portico-slow');
      // Assert
      expect((await request(`${h.url}/slow`)).text).toBe('v2');
      // Act: the watcher notices a rebuild
      writeFileSync(file, version('v3'));
      const served = await until(async () => (await request(`${h.url}/slow`)).text === 'v3', 45_000);
      expect(served).toBe(true);
      expect(h.logs.some((l) => l.startsWith('reloaded portico-slow'))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
