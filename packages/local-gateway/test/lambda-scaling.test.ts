/**
 * Lambda's limits as the gateway meets them: concurrency (scale out under the limit, throttle over it) and the 6 MB
 * synchronous payload, both ways. Handlers that block wait on a file the test writes, never on a timer, so nothing here
 * depends on how fast the machine is.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, FUNCTION_OVERRIDES } from './fixtures/test-stack';
import { request, startTestGateway, type Harness } from './helpers';

jest.setTimeout(60_000);

/** POST: answers the byte length of the body it got. GET ?repeat=N&char=c: answers c repeated N times. */
const SIZES_HANDLER = `
export const handler = async (event) => {
  if (event.httpMethod === 'POST') return { statusCode: 200, body: String(Buffer.byteLength(event.body ?? '')) };
  const q = event.queryStringParameters || {};
  return { statusCode: 200, body: (q.char ?? 'a').repeat(Number(q.repeat)) };
};`;

/** Settles with the answer, or with 'still waiting' once `ms` passed: for requests that must not hang. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => (timer = setTimeout(() => resolve('still waiting'), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('concurrency, as Lambda scales and throttles', () => {
  let dir: string;
  let h: Harness;
  const waiting = () => h.functionOutput.join('').split('waiting on').length - 1;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-scaling-'));
  });
  afterEach(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (reserved: number | undefined) =>
    startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-slow': join(FIXTURES, 'blocking.mjs') } }, (json: Record<string, any>) => {
      const fn = json.resource.aws_lambda_function.slow_fn;
      fn.timeout = 30;
      if (reserved !== undefined) fn.reserved_concurrent_executions = reserved;
    });

  it('gives a request stuck behind slow ones an environment of its own instead of a place in a queue', async () => {
    // Arrange: two requests held on a stalled dependency, more than the environments a function gets at once
    h = await start(undefined);
    const release = join(dir, 'release');
    const stuck = Array.from({ length: 8 }, () => request(`${h.url}/slow?wait=${encodeURIComponent(release)}`));
    await until(() => waiting() === 8, 30_000);
    try {
      // Act
      const quick = await within(request(`${h.url}/slow`), 20_000);
      // Assert
      expect(quick === 'still waiting' ? quick : quick.text).toBe('quick');
    } finally {
      writeFileSync(release, '');
    }
    expect((await Promise.all(stuck)).map((r) => r.text)).toEqual(Array(8).fill('released'));
  });

  it("throttles past the function's reserved concurrency as API Gateway shows a Lambda 429 (500, InternalServerErrorException), and serves again once it has room", async () => {
    // Arrange
    h = await start(3);
    const release = join(dir, 'release');
    const held = [1, 2, 3].map(() => request(`${h.url}/slow?wait=${encodeURIComponent(release)}`));
    await until(() => waiting() === 3, 30_000);
    let throttled: Awaited<ReturnType<typeof request>> | 'still waiting';
    try {
      // Act
      throttled = await within(request(`${h.url}/slow`), 20_000);
    } finally {
      writeFileSync(release, '');
    }
    const released = await Promise.all(held);
    const after = await request(`${h.url}/slow`);
    // Assert
    expect(throttled).not.toBe('still waiting');
    if (throttled === 'still waiting') return;
    expect(throttled.status).toBe(500);
    expect(throttled.text).toBe('{"message": "Internal server error"}');
    expect(throttled.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
    expect(h.logs.find((l) => l.startsWith('GET /test/slow 500'))).toMatch(/Lambda invocation failed with status: 429/);
    expect(released.map((r) => r.text)).toEqual(['released', 'released', 'released']);
    expect(after.text).toBe('quick');
  });

  it('throttles every request of a function whose reserved concurrency is 0, without running it', async () => {
    h = await start(0);
    const res = await request(`${h.url}/slow`);
    expect(res.status).toBe(500);
    expect(h.functionOutput.join('')).toBe('');
    expect(h.logs.at(-1)).toMatch(/status: 429/);
  });
});

describe("Lambda's 6 MB synchronous payload limit", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-sizes-'));
    writeFileSync(join(dir, 'sizes.mjs'), SIZES_HANDLER);
    h = await startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-echo': join(dir, 'sizes.mjs') } });
  });
  afterAll(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (body: string) => request(`${h.url}/echo`, { method: 'POST', body, headers: { 'content-type': 'text/plain' } });

  it.each([
    ['6.5 MB of ASCII', 'a'.repeat(6_500_000)],
    ['2.2 M three-byte characters (6.6 MB as UTF-8, 2.2 M as UTF-16 units)', '€'.repeat(2_200_000)],
    ['3.2 MB of quotes (6.4 MB once escaped in the event JSON)', '"'.repeat(3_200_000)],
  ])('refuses an event over 6 MiB before invoking: 413 Request Too Long (%s)', async (_label, body) => {
    const before = h.logs.length;
    const res = await post(body);
    expect(res.status).toBe(413);
    expect(res.text).toBe('{"message": "Request Too Long"}');
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    expect(h.logs.slice(before).join('\n')).toMatch(/status: 413 .*RequestTooLargeException/);
  });

  it('invokes with an event just under the limit', async () => {
    const res = await post('a'.repeat(6_200_000));
    expect(res.status).toBe(200);
    expect(res.text).toBe('6200000');
  });

  it.each([
    ['7.3 MB of ASCII', 7_300_000, 'a'],
    ['2.2 M three-byte characters', 2_200_000, '€'],
  ])('answers 502 for a result over the limit, as the function error Lambda reports (%s)', async (_label, repeat, char) => {
    const before = h.logs.length;
    const res = await request(`${h.url}/echo?repeat=${repeat}&char=${encodeURIComponent(char)}`);
    expect(res.status).toBe(502);
    expect(res.text).toBe('{"message": "Internal server error"}');
    expect(res.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
    expect(h.logs.slice(before).join('\n')).toMatch(/Function\.ResponseSizeTooLarge/);
  });

  it('answers a result just under the limit', async () => {
    const res = await request(`${h.url}/echo?repeat=6200000`);
    expect(res.status).toBe(200);
    expect(res.text).toHaveLength(6_200_000);
  });
});
