import { get } from 'node:http';
import { request, startTestGateway, type Harness } from './helpers';

describe('Lambda proxy results, checked as the gateway checks them', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it.each(['not-object', 'null', 'bad-status', 'body-object', 'header-number', 'extra-field'])(
    'answers 502 Internal server error for a malformed result (%s)',
    async (kind) => {
      const res = await request(`${h.url}/result?kind=${kind}`);
      expect(res.status).toBe(502);
      expect(res.text).toBe('{"message": "Internal server error"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
    },
  );

  it('answers 200 when statusCode is missing', async () => {
    const res = await request(`${h.url}/result?kind=missing-status`);
    expect(res.status).toBe(200);
    expect(res.text).toBe('no status');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('accepts a numeric string statusCode', async () => {
    const res = await request(`${h.url}/result?kind=string-status`);
    expect(res.status).toBe(201);
  });

  it('merges headers and multiValueHeaders into one list, a pair given in both appearing once (as the output format docs say)', async () => {
    const res = await request(`${h.url}/result?kind=multi-headers`);
    expect(res.headers.get('x-single')).toBe('one');
    expect(res.headers.get('x-multi')).toBe('a, b');
    expect(res.headers.get('x-both')).toBe('from-headers, from-multi');
    expect(res.headers.get('x-same')).toBe('a, b');
  });

  it('answers with Content-Length, renaming the headers the gateway sets itself', async () => {
    // Act
    const res = await request(`${h.url}/result?kind=reserved-headers`);
    // Assert
    expect(res.text).toBe('ok');
    expect(res.headers.get('content-length')).toBe('2');
    expect(res.headers.get('transfer-encoding')).toBeNull();
    expect(res.headers.get('x-amzn-remapped-content-length')).toBe('999');
    expect(res.headers.get('x-amzn-remapped-date')).toBe('yesterday');
    expect(res.headers.get('x-amzn-remapped-server')).toBe('fn');
    expect(res.headers.get('x-amzn-remapped-transfer-encoding')).toBe('chunked');
    expect(res.headers.get('date')).not.toBe('yesterday');
    expect(res.headers.get('x-kept')).toBe('yes');
  });

  it('decodes a base64 result only when the first Accept type is a binary media type', async () => {
    const binary = await fetch(`${h.url}/result?kind=binary`, { headers: { accept: 'image/png, text/plain' } });
    const bytes = Buffer.from(await binary.arrayBuffer());
    expect(bytes.subarray(0, 4)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    expect(bytes).toHaveLength(10);
    const text = await request(`${h.url}/result?kind=binary`, { headers: { accept: 'text/plain, image/png' } });
    expect(text.text).toBe(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]).toString('base64'));
  });

  it("answers a request without Accept with the base64 text: the function's Content-Type does not decide", async () => {
    // Arrange: node:http sends no Accept unless told to (fetch always adds one)
    const url = new URL(`${h.url}/result?kind=binary`);
    // Act
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      get(url, (r) => {
        let body = '';
        r.setEncoding('latin1');
        r.on('data', (c: string) => (body += c));
        r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
      }).on('error', reject);
    });
    // Assert
    expect(res.status).toBe(200);
    expect(res.body).toBe(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0xff]).toString('base64'));
  });
});
