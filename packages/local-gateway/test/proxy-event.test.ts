import { request as httpRequest } from 'node:http';
import { formatRequestTime, parseQuery } from '../src/index';
import { request, startTestGateway, type Harness } from './helpers';

/** Sends a raw request line (fetch would normalise the path). */
function rawGet(url: string, pathAndQuery: string, headers: Record<string, string | string[]> = {}): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: 'GET', path: pathAndQuery, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the proxy event, as API Gateway builds it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it('keeps the path and path parameters percent-encoded and decodes query values', async () => {
    // Act
    const res = await rawGet(h.url, '/test/echo/a%20b%2Fc?name=J%C3%BCrgen&tag=x+y&tag=z&empty');
    // Assert
    expect(res.status).toBe(200);
    const { event } = JSON.parse(res.body);
    expect(event.path).toBe('/echo/a%20b%2Fc');
    expect(event.resource).toBe('/echo/{id}');
    expect(event.pathParameters).toEqual({ id: 'a%20b%2Fc' });
    expect(event.queryStringParameters).toEqual({ name: 'Jürgen', tag: 'z', empty: '' });
    expect(event.multiValueQueryStringParameters).toEqual({ name: ['Jürgen'], tag: ['x y', 'z'], empty: [''] });
    expect(event.requestContext.path).toBe('/test/echo/a%20b%2Fc');
    expect(event.requestContext.resourcePath).toBe('/echo/{id}');
  });

  it('uses null for absent maps and body', async () => {
    const res = await request(`${h.url}/echo`);
    const { event } = res.json();
    expect(event.queryStringParameters).toBeNull();
    expect(event.multiValueQueryStringParameters).toBeNull();
    expect(event.pathParameters).toBeNull();
    expect(event.body).toBeNull();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.httpMethod).toBe('GET');
    expect(event.resource).toBe('/echo');
    expect(event.stageVariables).toEqual({ color: 'blue' });
  });

  it('fills requestContext like API Gateway', async () => {
    const res = await request(`${h.url}/echo`, { headers: { 'user-agent': 'conformance/1' } });
    const ctx = res.json().event.requestContext;
    expect(ctx.stage).toBe('test');
    expect(ctx.httpMethod).toBe('GET');
    expect(ctx.protocol).toBe('HTTP/1.1');
    expect(ctx.accountId).toBe('123456789012');
    expect(ctx.apiId).toMatch(/^[a-z0-9]{10}$/);
    expect(ctx.requestId).toBe(res.headers.get('x-amzn-requestid'));
    expect(ctx.extendedRequestId).toBe(res.headers.get('x-amz-apigw-id'));
    expect(ctx.requestTimeEpoch).toBe(h.clock.now());
    expect(ctx.requestTime).toBe(formatRequestTime(h.clock.now()));
    expect(ctx.domainName).toBe(new URL(h.url).host);
    expect(ctx.identity.sourceIp).toBe('127.0.0.1');
    expect(ctx.identity.userAgent).toBe('conformance/1');
    expect(ctx.identity).not.toHaveProperty('apiKey');
  });

  it('formats requestTime as dd/Mon/yyyy:HH:mm:ss +0000', () => {
    expect(formatRequestTime(Date.UTC(2026, 10, 24, 17, 39, 52))).toBe('24/Nov/2026:17:39:52 +0000');
    expect(formatRequestTime(Date.UTC(2026, 0, 5, 3, 4, 5))).toBe('05/Jan/2026:03:04:05 +0000');
  });

  it('keeps every value of a repeated header and the last in the single-value map', async () => {
    const res = await rawGet(h.url, '/test/echo', { 'X-Multi': ['one', 'two'], authorization: 'Bearer t' });
    const { event } = JSON.parse(res.body);
    expect(event.multiValueHeaders['X-Multi']).toEqual(['one', 'two']);
    expect(event.headers['X-Multi']).toBe('two');
    expect(event.headers.Authorization).toBe('Bearer t');
    expect(event.headers['X-Forwarded-Proto']).toBe('http');
    expect(event.headers['X-Forwarded-For']).toBe('127.0.0.1');
    expect(event.headers['X-Amzn-Trace-Id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.headers).not.toHaveProperty('content-length');
  });

  it('passes a text body as is and a binary media type base64-encoded', async () => {
    const text = await request(`${h.url}/echo`, { method: 'POST', body: 'héllo', headers: { 'content-type': 'text/plain' } });
    expect(text.json().event.body).toBe('héllo');
    expect(text.json().event.isBase64Encoded).toBe(false);
    const bytes = Buffer.from([0, 1, 2, 250, 255]);
    const bin = await request(`${h.url}/echo`, { method: 'PUT', body: bytes, headers: { 'content-type': 'application/octet-stream' } });
    expect(bin.json().event.isBase64Encoded).toBe(true);
    expect(Buffer.from(bin.json().event.body, 'base64')).toEqual(bytes);
  });

  it('matches a greedy {proxy+} with the rest of the path', async () => {
    const res = await rawGet(h.url, '/test/items/a/b%2Fc/d');
    const { event } = JSON.parse(res.body);
    expect(event.resource).toBe('/items/{proxy+}');
    expect(event.pathParameters).toEqual({ proxy: 'a/b%2Fc/d' });
  });

  it('parses query strings with last-value-wins single maps', () => {
    expect(parseQuery('a=1&a=2&b=%2B&c')).toEqual({ single: { a: '2', b: '+', c: '' }, multi: { a: ['1', '2'], b: ['+'], c: [''] } });
  });
});
