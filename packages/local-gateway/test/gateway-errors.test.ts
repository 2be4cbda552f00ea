import { join } from 'node:path';
import { FIXED_KEY, FIXTURES, FUNCTION_OVERRIDES } from './fixtures/test-stack';
import { request, startTestGateway, type Harness } from './helpers';

describe('gateway errors over HTTP', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it.each([
    ['an unknown path', '/nope', 'GET'],
    ['a known path with an undeclared method', '/search', 'DELETE'],
    ['another stage', '/../prod/echo', 'GET'],
  ])('answers 403 Missing Authentication Token for %s', async (_label, path, method) => {
    // Arrange
    const target = path.startsWith('/..') ? h.url.replace(/\/test$/, '/prod/echo') : `${h.url}${path}`;
    // Act
    const res = await request(target, { method });
    // Assert
    expect(res.status).toBe(403);
    expect(res.text).toBe('{"message":"Missing Authentication Token"}');
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(res.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    // DEFAULT_4XX adds its headers to every 4xx the gateway generates.
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    expect(res.headers.get('content-type')).toBe('application/json');
  });

  it('answers 403 Forbidden without an API key, with a wrong one, and with a disabled one', async () => {
    const missing = await request(`${h.url}/secure`);
    const wrong = await request(`${h.url}/secure`, { headers: { 'x-api-key': 'nope' } });
    const disabled = await request(`${h.url}/secure`, { headers: { 'x-api-key': 'disabled-key-value-0123456789' } });
    for (const res of [missing, wrong, disabled]) {
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"message":"Forbidden"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('ForbiddenException');
    }
  });

  it('reads the API key from the x-api-key header only (api_key_source HEADER)', async () => {
    const res = await request(`${h.url}/secure?x-api-key=${FIXED_KEY}&api_key=${FIXED_KEY}`, { headers: { authorization: FIXED_KEY } });
    expect(res.status).toBe(403);
    expect(res.text).toBe('{"message":"Forbidden"}');
  });

  it('lets a valid key through and puts it in requestContext.identity', async () => {
    const res = await request(`${h.url}/secure`, { headers: { 'X-API-Key': FIXED_KEY } });
    expect(res.status).toBe(200);
    const identity = res.json().event.requestContext.identity;
    expect(identity.apiKey).toBe(FIXED_KEY);
    expect(identity.apiKeyId).toMatch(/^[a-z0-9]{10}$/);
  });

  it('lists the stage keys, generating a value for a key the stack left blank', () => {
    const names = h.gateway.apiKeys.map((k) => k.name).sort();
    expect(names).toEqual(['fixed-key', 'generated-key']);
    const generated = h.gateway.apiKeys.find((k) => k.name === 'generated-key')!;
    expect(generated.generated).toBe(true);
    expect(generated.value).toMatch(/^[a-z0-9]{40}$/);
    expect(h.logs.some((line) => line.includes(generated.value))).toBe(true);
    expect(h.logs[0]).toContain(`${h.url}`);
  });

  it('answers 400 with the missing parameter names when a validator checks parameters', async () => {
    const res = await request(`${h.url}/search?limit=3`);
    expect(res.status).toBe(400);
    expect(res.text).toBe('{"message": "Missing required request parameters: [q]"}');
    expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
    const ok = await request(`${h.url}/search?q=al`);
    expect(ok.status).toBe(200);
  });

  it('checks parameters before the body, listing every missing one', async () => {
    const res = await request(`${h.url}/validated`, { method: 'POST', body: '{"name":"Ada"}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({ message: 'Missing required request parameters: [mode]' });
  });

  it('renders BAD_REQUEST_BODY through its configured template and status, by simple substitution (not VTL)', async () => {
    const res = await request(`${h.url}/validated?mode=x`, {
      method: 'POST',
      body: JSON.stringify({ email: 'a@b.c', extra: 1 }),
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(422);
    const body = res.json();
    expect(body.message).toBe('Invalid request body');
    expect(body.type).toBe('BAD_REQUEST_BODY');
    expect(body.color).toBe('blue');
    // A gateway response template "isn't processed by the VTL engine": $util stays as written.
    expect(body.util).toBe("$util.escapeJavaScript('x')");
    const details = res.headers.get('x-validation-error')!;
    expect(details).toContain('object has missing required properties (["name"])');
    expect(details).toContain('["extra"]');
    // The specific response has no headers of its own; DEFAULT_4XX does not leak into a configured type.
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it("passes the validation error's apostrophes through a header mapping as they are", async () => {
    // Arrange: a property name with an apostrophe ends up in the validation message
    const body = JSON.stringify({ name: 'Ann', "it's": 1 });
    // Act
    const res = await request(`${h.url}/validated?mode=x`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    // Assert
    expect(res.status).toBe(422);
    expect(res.headers.get('x-validation-error')).toBe('[object instance has properties which are not allowed by the schema: ["it\'s"]]');
  });

  it('rejects unparseable JSON as an invalid body and passes a valid one to the function', async () => {
    const bad = await request(`${h.url}/validated?mode=x`, { method: 'POST', body: '{', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(422);
    const good = await request(`${h.url}/validated?mode=x`, {
      method: 'POST',
      body: JSON.stringify({ name: 'Ada' }),
      headers: { 'content-type': 'application/json' },
    });
    expect(good.status).toBe(200);
    expect(good.json().event.body).toBe('{"name":"Ada"}');
  });

  it('answers 413 for a payload over the limit', async () => {
    const small = await startTestGateway({ maxPayloadBytes: 1024 });
    try {
      const res = await request(`${small.url}/echo`, { method: 'POST', body: 'x'.repeat(2048) });
      expect(res.status).toBe(413);
      expect(res.json()).toEqual({ message: 'Request Too Long' });
      const fits = await request(`${small.url}/echo`, { method: 'POST', body: 'x'.repeat(1000) });
      expect(fits.status).toBe(200);
    } finally {
      await small.close();
    }
  });

  it('accepts a payload of exactly 10 MiB and answers 413 for one byte more, before routing', async () => {
    // Arrange: the real limit; a path with no method, so nothing but the gateway handles the bytes
    const limit = 10 * 1024 * 1024;
    // Act
    const fits = await request(`${h.url}/nope`, { method: 'POST', body: Buffer.alloc(limit, 120) });
    const over = await request(`${h.url}/nope`, { method: 'POST', body: Buffer.alloc(limit + 1, 120) });
    // Assert
    expect(fits.status).toBe(403);
    expect(over.status).toBe(413);
    expect(over.text).toBe('{"message":"Request Too Long"}');
    expect(over.headers.get('x-amzn-errortype')).toBe('RequestEntityTooLargeException');
    // 20 MiB through loopback: seconds on a loaded machine, more than jest's default.
  }, 60_000);

  it('turns a thrown error into 502 Internal server error', async () => {
    const res = await request(`${h.url}/fail`);
    expect(res.status).toBe(502);
    expect(res.text).toBe('{"message": "Internal server error"}');
    expect(res.headers.get('x-amzn-errortype')).toBe('InternalServerErrorException');
    expect(h.logs.some((l) => /GET \/test\/fail 502 .*TypeError: boom/.test(l))).toBe(true);
  });

  it('answers the MOCK integration from its integration response', async () => {
    const res = await request(`${h.url}/mock`);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-mocked')).toBe('yes');
    expect(res.headers.get('x-stage')).toBe('test');
    expect(res.json()).toEqual({ mocked: true, stage: 'test', requestId: res.headers.get('x-amzn-requestid') });
  });

  it("picks the MOCK integration response whose selection pattern, a Java regular expression, matches the status", async () => {
    // Arrange: the request template mocks a 404; a 4xx response selected by a Java-only class
    const mock = await startTestGateway({}, (json: Record<string, any>) => {
      const resource = json.resource;
      resource.aws_api_gateway_integration.mock_get.request_templates = { 'application/json': '{"statusCode": 404}' };
      resource.aws_api_gateway_integration_response.mock_4xx = {
        ...resource.aws_api_gateway_integration_response.mock_200,
        status_code: '404',
        selection_pattern: '4\\p{Digit}{2}',
        response_parameters: {},
        response_templates: { 'application/json': '{"found":false}' },
      };
    });
    try {
      // Act
      const res = await request(`${mock.url}/mock`);
      // Assert
      expect(res.status).toBe(404);
      expect(res.json()).toEqual({ found: false });
    } finally {
      await mock.close();
    }
  });

  it('logs one line per request with method, path, status and time', async () => {
    const before = h.logs.length;
    await request(`${h.url}/echo/7`);
    const line = h.logs.slice(before).join('\n');
    expect(line).toMatch(/^GET \/test\/echo\/7 200 \d+ms/);
  });
});

describe('gateway responses as configured', () => {
  type Json = Record<string, any>;
  const withResponses = (edit: (responses: Json) => void) => (json: Json) => edit(json.resource.aws_api_gateway_gateway_response);
  const apiId = '${aws_api_gateway_rest_api.api_restapi_A1B2.id}';

  it("answers a failed body validation with API Gateway's own body and DEFAULT_4XX's headers when BAD_REQUEST_BODY has no response", async () => {
    // Arrange
    const h = await startTestGateway({}, withResponses((r) => delete r.bad_body));
    try {
      // Act
      const res = await request(`${h.url}/validated?mode=x`, { method: 'POST', body: '{"extra":1}', headers: { 'content-type': 'application/json' } });
      // Assert: byte for byte, with the space API Gateway puts there
      expect(res.status).toBe(400);
      expect(res.text).toBe('{"message": "Invalid request body"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('BadRequestException');
      expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example');
    } finally {
      await h.close();
    }
  });

  it('lets a status code on DEFAULT_4XX change every 4XX response without one of its own', async () => {
    const h = await startTestGateway({}, withResponses((r) => (r.default_4xx.status_code = '418')));
    try {
      const unknown = await request(`${h.url}/nope`);
      const badBody = await request(`${h.url}/validated?mode=x`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
      expect(unknown.status).toBe(418);
      expect(unknown.text).toBe('{"message":"Missing Authentication Token"}');
      // BAD_REQUEST_BODY has its own response (422): DEFAULT_4XX's status does not reach it.
      expect(badBody.status).toBe(422);
    } finally {
      await h.close();
    }
  });

  const default5xx = withResponses((r) => {
    r.default_5xx = {
      rest_api_id: apiId,
      response_type: 'DEFAULT_5XX',
      response_parameters: { 'gatewayresponse.header.Access-Control-Allow-Origin': "'https://app.example'" },
      response_templates: { 'application/json': '{"error":$context.error.messageString,"requestId":"$context.requestId"}' },
    };
  });

  it("renders DEFAULT_5XX's template and headers for a failing function (502), however long its cold start takes", async () => {
    // Arrange: API Gateway's own 29 s integration timeout, and a function that takes 400 ms to load before it throws
    // (a cold start on a loaded machine): no margin here that load could use up
    const h = await startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-failing': join(FIXTURES, 'failing-slow-start.js') } }, default5xx);
    try {
      // Act
      const failed = await request(`${h.url}/fail`);
      // Assert
      expect(failed.status).toBe(502);
      expect(failed.json()).toEqual({ error: 'Internal server error', requestId: failed.headers.get('x-amzn-requestid') });
      expect(failed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    } finally {
      await h.close();
    }
  });

  it("renders DEFAULT_5XX's template and headers for an integration timeout (504)", async () => {
    // Arrange: a 500 ms integration timeout against a function that would take ten minutes (and may, by its own
    // timeout): no machine is slow enough to turn this into anything but a 504
    const h = await startTestGateway({ integrationTimeoutMs: 500 }, (json: Json) => {
      default5xx(json);
      json.resource.aws_lambda_function.slow_fn.timeout = 900;
    });
    try {
      // Act
      const timedOut = await request(`${h.url}/slow?ms=600000`);
      // Assert
      expect(timedOut.status).toBe(504);
      expect(timedOut.json().error).toBe('Endpoint request timed out');
      expect(timedOut.headers.get('access-control-allow-origin')).toBe('https://app.example');
    } finally {
      await h.close();
    }
  });
});

describe('request validators', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startTestGateway();
  });
  afterAll(() => h.close());

  it.each(['?q=', '?q=%20%20', '?limit=2&q'])('treats a blank required parameter as missing (%s)', async (query) => {
    const res = await request(`${h.url}/search${query}`);
    expect(res.status).toBe(400);
    expect(res.text).toBe('{"message": "Missing required request parameters: [q]"}');
  });

  it('does not validate a body whose content type has no model', async () => {
    // Act: text/plain, where the method only has an application/json model
    const res = await request(`${h.url}/validated?mode=x`, { method: 'POST', body: 'not json', headers: { 'content-type': 'text/plain' } });
    // Assert: reaches the function
    expect(res.status).toBe(200);
    expect(res.json().event.body).toBe('not json');
  });

  it('validates a body sent without a Content-Type against the application/json model', async () => {
    const res = await request(`${h.url}/validated?mode=x`, { method: 'POST', body: Buffer.from('{"extra":1}') });
    expect(res.status).toBe(422);
  });
});
