/**
 * The CloudFront function that enforces a CORS allowlist of several origins on every answer, the gateway's own errors
 * included, run as CloudFront runs it: `handler(event)` on a viewer-response event (cloudfront-js-2.0 event shape).
 */
import { runInNewContext } from 'node:vm';
import { corsFunctionCode } from '../src/constructs/edge';

type Headers = Record<string, { value: string }>;

const ALLOWED = ['https://app.example.com', 'https://admin.example.com'];

/** Runs the generated function on a response with `headers` to a request from `origin`. */
function viewerResponse(origin: string | undefined, headers: Headers): Headers {
  const sandbox: { handler?: (event: unknown) => { headers: Headers } } = {};
  runInNewContext(`${corsFunctionCode(ALLOWED)}\nthis.handler = handler;`, sandbox);
  const event = {
    version: '1.0',
    context: { eventType: 'viewer-response' },
    request: { method: 'POST', uri: '/users', headers: origin === undefined ? {} : { origin: { value: origin } } },
    response: { statusCode: 403, statusDescription: 'Forbidden', headers: { ...headers } },
  };
  return sandbox.handler!(event).headers;
}

describe('edge CORS function', () => {
  it('adds Allow-Origin for an allowed origin to a gateway error that has none', () => {
    const headers = viewerResponse('https://admin.example.com', { 'content-type': { value: 'application/problem+json' } });
    expect(headers['access-control-allow-origin']).toEqual({ value: 'https://admin.example.com' });
    expect(headers.vary).toEqual({ value: 'Origin' });
  });

  it('never adds it for an origin off the list', () => {
    const headers = viewerResponse('https://evil.example', { 'content-type': { value: 'application/problem+json' } });
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });

  it('removes an echo of an origin off the list, whoever wrote it', () => {
    const headers = viewerResponse('https://evil.example', { 'access-control-allow-origin': { value: 'https://evil.example' } });
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });

  it("keeps the function's own answer for an allowed origin, and its Vary", () => {
    const headers = viewerResponse('https://app.example.com', {
      'access-control-allow-origin': { value: 'https://app.example.com' },
      vary: { value: 'Accept-Encoding, Origin' },
    });
    expect(headers['access-control-allow-origin']).toEqual({ value: 'https://app.example.com' });
    expect(headers.vary).toEqual({ value: 'Accept-Encoding, Origin' });
  });

  it('adds Origin to an existing Vary, and leaves a request without Origin alone', () => {
    expect(viewerResponse(undefined, { vary: { value: 'Accept-Encoding' } })).toEqual({ vary: { value: 'Accept-Encoding, Origin' } });
  });

  it('matches origins exactly: case, scheme, port and suffix tricks are foreign', () => {
    for (const origin of ['https://APP.example.com', 'http://app.example.com', 'https://app.example.com:8443', 'https://app.example.com.evil.example']) {
      expect(viewerResponse(origin, {})['access-control-allow-origin']).toBeUndefined();
    }
  });
});
