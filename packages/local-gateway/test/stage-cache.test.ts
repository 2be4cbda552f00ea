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
