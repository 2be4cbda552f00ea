import { quotaPeriodStart } from '../src/index';
import { FIXED_KEY } from './fixtures/test-stack';
import { request, startTestGateway, type Harness } from './helpers';

const withKey = { headers: { 'x-api-key': FIXED_KEY } };

describe('usage plans and stage throttling, on a manual clock', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startTestGateway();
  });
  afterEach(() => h.close());

  it('throttles a key with a token bucket: burst 2, then 429 until tokens refill', async () => {
    const first = await request(`${h.url}/secure`, withKey);
    const second = await request(`${h.url}/secure`, withKey);
    const third = await request(`${h.url}/secure`, withKey);
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    expect(third.text).toBe('{"message":"Too Many Requests"}');
    expect(third.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(third.headers.get('access-control-allow-origin')).toBe('https://app.example');

    h.clock.advance(1_000); // rate 1/s → one token back
    expect((await request(`${h.url}/secure`, withKey)).status).toBe(200);
    expect((await request(`${h.url}/secure`, withKey)).status).toBe(429);
  });

  it('enforces the daily quota with 429 Limit Exceeded, reset at the next UTC day', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await request(`${h.url}/secure`, withKey)).status).toBe(200);
      h.clock.advance(2_000);
    }
    const over = await request(`${h.url}/secure`, withKey);
    expect(over.status).toBe(429);
    expect(over.text).toBe('{"message":"Limit Exceeded"}');
    expect(over.headers.get('x-amzn-errortype')).toBe('LimitExceededException');

    h.clock.set(quotaPeriodStart(h.clock.now(), { period: 'DAY', offset: 0, limit: 5 }) + 86_400_000);
    expect((await request(`${h.url}/secure`, withKey)).status).toBe(200);
  });

  it('keeps a separate bucket and quota per key', async () => {
    const other = { headers: { 'x-api-key': h.gateway.apiKeys.find((k) => k.generated)!.value } };
    await request(`${h.url}/secure`, withKey);
    await request(`${h.url}/secure`, withKey);
    expect((await request(`${h.url}/secure`, withKey)).status).toBe(429);
    expect((await request(`${h.url}/secure`, other)).status).toBe(200);
  });

  it('throttles a method by its stage method settings, for every caller', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await request(`${h.url}/throttled`)).status);
    expect(statuses).toEqual([200, 200, 429]);
    // Other methods are not limited by that setting.
    expect((await request(`${h.url}/echo`)).status).toBe(200);
    h.clock.advance(1_000);
    expect((await request(`${h.url}/throttled`)).status).toBe(200);
  });
});

describe('stage throttling settings', () => {
  it('reads a burst limit of -1 as unset, not as a bucket of one', async () => {
    // Arrange: rate 3/s, burst "not set"
    const h = await startTestGateway({}, (json: Record<string, any>) => {
      json.resource.aws_api_gateway_method_settings.throttled.settings = { throttling_rate_limit: 3, throttling_burst_limit: -1 };
    });
    try {
      // Act
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await request(`${h.url}/throttled`)).status);
      // Assert: a bucket of one second's worth
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await h.close();
    }
  });
});

describe('stage default method throttling', () => {
  it('gives every method its own bucket with the */* limits', async () => {
    // Arrange: */* allows one request per second, burst 1
    const h = await startTestGateway({}, (json: Record<string, any>) => {
      json.resource.aws_api_gateway_method_settings.all.settings = { throttling_rate_limit: 1, throttling_burst_limit: 1 };
    });
    try {
      // Act
      const echo = await request(`${h.url}/echo`);
      const mock = await request(`${h.url}/mock`);
      const echoAgain = await request(`${h.url}/echo`);
      // Assert: /mock has its own bucket; /echo's is spent
      expect([echo.status, mock.status, echoAgain.status]).toEqual([200, 200, 429]);
    } finally {
      await h.close();
    }
  });
});

describe('quota periods', () => {
  const at = Date.UTC(2026, 10, 24, 17, 0, 0); // a Tuesday
  it.each([
    ['DAY', 0, Date.UTC(2026, 10, 24)],
    ['WEEK', 0, Date.UTC(2026, 10, 22)], // Sunday
    ['WEEK', 1, Date.UTC(2026, 10, 23)], // Monday
    ['MONTH', 0, Date.UTC(2026, 10, 1)],
    ['MONTH', 27, Date.UTC(2026, 9, 28)], // the 28th, so last month's
  ] as const)('%s offset %d starts at the right UTC instant', (period, offset, expected) => {
    expect(quotaPeriodStart(at, { period, offset, limit: 1 })).toBe(expected);
  });
});
