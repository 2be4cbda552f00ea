/**
 * Keys a client chooses (query names, header names) are data. API Gateway passes `?constructor=1` and a header named
 * `__proto__` through to the function like any other; they must neither crash the gateway nor reach a prototype.
 */
import { rawGet } from './raw-http';
import { startTestGateway, type Harness } from './helpers';

const PROTOTYPE_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf'];

describe('keys from the client', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it.each(PROTOTYPE_NAMES)('passes a query key named %s through to the function', async (name) => {
    // Act
    const res = await rawGet(h.url, `/test/echo?${name}=1&${name}=2&q=x`);
    // Assert
    expect(res.status).toBe(200);
    const { event } = JSON.parse(res.body);
    expect(event.queryStringParameters[name]).toBe('2');
    expect(event.multiValueQueryStringParameters[name]).toEqual(['1', '2']);
    expect(event.queryStringParameters.q).toBe('x');
  });

  it('passes headers named __proto__ and constructor as headers, without touching the maps they land in', async () => {
    // Act
    const res = await rawGet(h.url, '/test/echo', ['__proto__: polluted', 'constructor: c', 'X-Other: o']);
    // Assert
    expect(res.status).toBe(200);
    const { event } = JSON.parse(res.body);
    expect(Object.keys(event.headers)).toEqual(expect.arrayContaining(['__proto__', 'constructor', 'X-Other']));
    expect(Object.getOwnPropertyDescriptor(event.headers, '__proto__')?.value).toBe('polluted');
    expect(event.multiValueHeaders.constructor).toEqual(['c']);
  });

  it('validates a required query parameter named like an Object.prototype member by its own value', async () => {
    // Arrange: /search requires q; constructor must not count as a value of anything
    // Act
    const missing = await rawGet(h.url, '/test/search?constructor=1');
    const given = await rawGet(h.url, '/test/search?q=a&toString=1');
    // Assert
    expect(missing.status).toBe(400);
    expect(missing.body).toBe('{"message": "Missing required request parameters: [q]"}');
    expect(given.status).toBe(200);
  });

  it('keys the stage cache on a parameter named constructor by its value', async () => {
    // Arrange: /cached keys on q; the path parameter and query maps must not inherit
    const first = await rawGet(h.url, '/test/cached?q=constructor');
    // Act
    const second = await rawGet(h.url, '/test/cached?q=constructor');
    // Assert
    expect(first.status).toBe(200);
    expect(JSON.parse(second.body).invocations).toBe(JSON.parse(first.body).invocations);
  });
});
