import { createManualClock, loadStack } from '../src/index';
import type { HttpResult } from '../src/proxy-result';
import { cacheCapacityBytes, StageCache } from '../src/stage-cache';
import { buildTestStackJson } from './fixtures/test-stack';
import { request, startTestGateway, type Harness } from './helpers';

const invocationsOf = (res: { json: () => any }) => res.json().invocations as number;

describe('the stage cache', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startTestGateway({ concurrency: 1 });
  });
  afterEach(() => h.close());

  it('serves a hit without invoking the function, until the TTL passes', async () => {
    const first = await request(`${h.url}/cached?q=a`);
    const second = await request(`${h.url}/cached?q=a`);
    expect(invocationsOf(second)).toBe(invocationsOf(first));
    expect(h.logs.some((l) => l.includes('GET /test/cached 200') && l.includes('(cache hit)'))).toBe(true);

    h.clock.advance(60_000); // TTL 60 s
    const third = await request(`${h.url}/cached?q=a`);
    expect(invocationsOf(third)).toBe(invocationsOf(first) + 1);
  });

  it('keys on the listed cache key parameters only', async () => {
    const a = await request(`${h.url}/cached?q=a&other=1`);
    const b = await request(`${h.url}/cached?q=b`);
    const aAgain = await request(`${h.url}/cached?q=a&other=2`);
    expect(invocationsOf(b)).toBe(invocationsOf(a) + 1);
    expect(invocationsOf(aAgain)).toBe(invocationsOf(a));
  });

  it('shares one entry across path parameters that are not cache keys, as AWS does', async () => {
    const one = await request(`${h.url}/cached/1`);
    const two = await request(`${h.url}/cached/2`);
    expect(two.json().event.pathParameters).toEqual({ id: '1' });
    expect(invocationsOf(two)).toBe(invocationsOf(one));
  });

  it('refreshes the entry on Cache-Control: max-age=0 when the method needs no authorization for it', async () => {
    const first = await request(`${h.url}/cached?q=a`);
    const refreshed = await request(`${h.url}/cached?q=a`, { headers: { 'cache-control': 'max-age=0' } });
    expect(invocationsOf(refreshed)).toBe(invocationsOf(first) + 1);
    const after = await request(`${h.url}/cached?q=a`);
    expect(invocationsOf(after)).toBe(invocationsOf(refreshed));
  });

  it('ignores an unauthorized invalidation where authorization is required, with a warning header', async () => {
    const first = await request(`${h.url}/cached/1`);
    const attempt = await request(`${h.url}/cached/1`, { headers: { 'cache-control': 'max-age=0' } });
    expect(invocationsOf(attempt)).toBe(invocationsOf(first));
    expect(attempt.headers.get('warning')).toMatch(/^199 /);
    const signed = await request(`${h.url}/cached/1`, {
      headers: { 'cache-control': 'max-age=0', authorization: 'AWS4-HMAC-SHA256 Credential=x/20261124/us-east-1/execute-api/aws4_request' },
    });
    expect(invocationsOf(signed)).toBe(invocationsOf(first) + 1);
  });

  it('does not cache methods whose settings leave caching off', async () => {
    const first = await request(`${h.url}/echo`);
    const second = await request(`${h.url}/echo`);
    expect(invocationsOf(second)).toBe(invocationsOf(first) + 1);
  });

  it.each([
    ['FAIL_WITH_403', 403, null],
    ['SUCCEED_WITHOUT_RESPONSE_HEADER', 200, null],
  ] as const)('handles an unauthorized invalidation with %s', async (strategy, status, warning) => {
    // Arrange: authorization required for cache control, with this strategy
    const strict = await startTestGateway({ concurrency: 1 }, (json: Record<string, any>) => {
      json.resource.aws_api_gateway_method_settings.cached_id.settings.unauthorized_cache_control_header_strategy = strategy;
    });
    try {
      const first = await request(`${strict.url}/cached/1`);
      // Act
      const attempt = await request(`${strict.url}/cached/1`, { headers: { 'cache-control': 'max-age=0' } });
      // Assert
      expect(attempt.status).toBe(status);
      expect(attempt.headers.get('warning')).toBe(warning);
      if (status === 200) expect(invocationsOf(attempt)).toBe(invocationsOf(first));
      else expect(attempt.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    } finally {
      await strict.close();
    }
  });
});

describe('the stage cache size', () => {
  const clock = createManualClock();
  const result = (bytes: number): HttpResult => ({ statusCode: 200, headers: new Map(), body: Buffer.alloc(bytes, 120) });

  it('holds no more than its capacity however many cache-key values arrive, dropping the least recently used', () => {
    // Arrange: room for about three 1,000-byte answers
    const cache = new StageCache(clock, 3_200);
    // Act: a new cache-key value per request, as a client varying ?q= does
    for (let i = 0; i < 50; i++) cache.set(`GET /search querystring.q=${i}`, result(1_000), 300);
    // Assert
    expect(cache.bytes).toBeLessThanOrEqual(3_200);
    expect(cache.size).toBe(3);
    expect(cache.get('GET /search querystring.q=0')).toBeUndefined();
    expect(cache.get('GET /search querystring.q=49')).toBeDefined();
  });

  it('keeps an entry that is read and evicts the one that is not', () => {
    const cache = new StageCache(clock, 2_100);
    cache.set('a', result(1_000), 300);
    cache.set('b', result(1_000), 300);
    cache.get('a');
    cache.set('c', result(1_000), 300);
    expect([cache.get('a') !== undefined, cache.get('b') !== undefined, cache.get('c') !== undefined]).toEqual([true, false, true]);
  });

  it('makes room from expired entries before live ones', () => {
    const cache = new StageCache(clock, 2_100);
    cache.set('short', result(1_000), 1);
    cache.set('long', result(1_000), 300);
    clock.advance(2_000);
    cache.set('new', result(1_000), 300);
    expect(cache.get('long')).toBeDefined();
    expect(cache.get('new')).toBeDefined();
  });

  it("takes its capacity from the stage's cache_cluster_size, 0.5 GB when the stack leaves it out", () => {
    const sized = loadStack(buildTestStackJson(), { dir: '/stacks/test' }).apis[0]!.stages.get('test')!;
    const json = buildTestStackJson() as Record<string, any>;
    delete json.resource.aws_api_gateway_stage.test.cache_cluster_size;
    const unsized = loadStack(json, { dir: '/stacks/test' }).apis[0]!.stages.get('test')!;
    json.resource.aws_api_gateway_stage.test.cache_cluster_size = '6.1';
    const large = loadStack(json, { dir: '/stacks/test' }).apis[0]!.stages.get('test')!;
    expect([sized.cacheClusterSizeGb, unsized.cacheClusterSizeGb, large.cacheClusterSizeGb]).toEqual([0.5, 0.5, 6.1]);
    expect(cacheCapacityBytes(large.cacheClusterSizeGb)).toBe(6_100_000_000);
  });

  it('refuses a cache_cluster_size API Gateway does not offer, naming the stage', () => {
    const json = buildTestStackJson() as Record<string, any>;
    json.resource.aws_api_gateway_stage.test.cache_cluster_size = '1';
    expect(() => loadStack(json, { dir: '/stacks/test' })).toThrow(/aws_api_gateway_stage\.test: cache_cluster_size "1" is not one API Gateway offers/);
  });
});
