/**
 * The gateway and `@portico/http/testing`'s `createProxyEvent` must build the same event for the same request, so a
 * handler tested with the factory sees what it sees behind the local gateway.
 */
import { createProxyEvent } from '@portico/http/testing';
import { request as httpRequest } from 'node:http';
import { startTestGateway, type Harness } from './helpers';

function send(url: string, method: string, pathAndQuery: string, headers: Record<string, string>, body?: string): Promise<any> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: pathAndQuery, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve(JSON.parse(text).event));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const keysOf = (value: unknown) => Object.keys(value as object).sort();

describe('event parity with @portico/http/testing createProxyEvent', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it.each([
    { label: 'a GET with encoded path and repeated query keys', method: 'GET', path: '/echo/a%20b%2Fc?x=1&x=2&name=J%C3%BCrgen&flag', resource: '/echo/{id}' },
    { label: 'a POST with a JSON body', method: 'POST', path: '/echo', resource: '/echo', json: { name: 'Ada' } },
    { label: 'a GET with nothing optional', method: 'GET', path: '/echo', resource: '/echo' },
  ])('builds the same event for $label', async ({ method, path, resource, json }) => {
    // Arrange
    const body = json === undefined ? undefined : JSON.stringify(json);
    const headers: Record<string, string> = { 'X-Custom': 'v1', ...(body ? { 'Content-Type': 'application/json' } : {}) };
    const expected = createProxyEvent({ method, path, resource, headers: { 'X-Custom': 'v1' }, json, stage: 'test', stageVariables: { color: 'blue' } });
    // Act
    const actual = await send(h.url, method, `/test${path}`, headers, body);
    // Assert: same shape…
    expect(keysOf(actual)).toEqual(keysOf(expected));
    expect(keysOf(actual.requestContext)).toEqual(keysOf(expected.requestContext));
    expect(keysOf(actual.requestContext.identity)).toEqual(keysOf(expected.requestContext.identity));
    // …and the same values wherever the request decides them.
    for (const field of ['resource', 'path', 'httpMethod', 'pathParameters', 'queryStringParameters', 'multiValueQueryStringParameters', 'body', 'isBase64Encoded', 'stageVariables'] as const) {
      expect([field, actual[field]]).toEqual([field, (expected as unknown as Record<string, unknown>)[field]]);
    }
    for (const field of ['path', 'resourcePath', 'stage', 'httpMethod', 'protocol', 'accountId']) {
      expect([field, actual.requestContext[field]]).toEqual([field, expected.requestContext[field]]);
    }
    expect(actual.headers['X-Custom']).toBe(expected.headers!['X-Custom']);
    expect(actual.multiValueHeaders['X-Custom']).toEqual(expected.multiValueHeaders!['X-Custom']);
  });
});
