import { readIam } from '@portico/http';
import { Hash } from '@smithy/core/serde';
import { SignatureV4 } from '@smithy/signature-v4';
import { defaultCredentials, type LocalCredentials } from '../src/index';
import { startAuthGateway, type AuthHarness } from './auth-helpers';
import { request } from './helpers';

const ALICE: LocalCredentials = {
  accessKeyId: 'AKIAALICE0000000TEST',
  secretAccessKey: 'alice-secret-0000000000000000000000000000',
  arn: 'arn:aws:iam::123456789012:user/alice',
};
const READER: LocalCredentials = {
  accessKeyId: 'AKIAREADER000000TEST',
  secretAccessKey: 'reader-secret-000000000000000000000000000',
  arn: 'arn:aws:sts::123456789012:assumed-role/reader/session-1',
  allow: ['arn:aws:execute-api:*:*:*/test/GET/*'],
};
const TEMPORARY: LocalCredentials = {
  accessKeyId: 'ASIATEMP000000000TEST',
  secretAccessKey: 'temp-secret-00000000000000000000000000000',
  sessionToken: 'session-token-1',
  arn: 'arn:aws:sts::123456789012:assumed-role/worker/job-7',
};

/** Signs a request the way the AWS SDK does (the same signer), on the gateway's clock unless told otherwise. */
async function signed(
  h: AuthHarness,
  path: string,
  options: { method?: string; body?: string; credentials?: LocalCredentials; region?: string; at?: number; presign?: boolean; sessionToken?: string } = {},
): Promise<{ url: string; init: RequestInit }> {
  const url = new URL(`${h.url}${path}`);
  const credentials = options.credentials ?? ALICE;
  const signer = new SignatureV4({
    service: 'execute-api',
    region: options.region ?? 'eu-west-1',
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: options.sessionToken ?? credentials.sessionToken },
    sha256: Hash.bind(null, 'sha256'),
  });
  const base = {
    method: options.method ?? 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    headers: { host: url.host, ...(options.body ? { 'content-type': 'application/json' } : {}) } as Record<string, string>,
    body: options.body,
  };
  const signingDate = new Date(options.at ?? h.clock.now());
  if (options.presign) {
    const presigned = await signer.presign(base, { signingDate, expiresIn: 300 });
    const query = new URLSearchParams(presigned.query as Record<string, string>).toString().replace(/\+/g, '%20');
    return { url: `${url.origin}${url.pathname}?${query}`, init: { method: base.method } };
  }
  const request = await signer.sign(base, { signingDate });
  const headers = { ...(request.headers as Record<string, string>) };
  delete headers.host;
  return { url: url.toString(), init: { method: base.method, headers, body: options.body } };
}

describe('AWS_IAM methods over HTTP', () => {
  let h: AuthHarness;
  beforeAll(async () => {
    h = await startAuthGateway({ credentials: [ALICE, READER, TEMPORARY] });
  });
  afterAll(() => h.close());

  const send = async (path: string, options: Parameters<typeof signed>[2] = {}) => {
    const { url, init } = await signed(h, path, options);
    return request(url, init);
  };

  it('lets a well-signed request through and fills requestContext.identity with the caller', async () => {
    // Act
    const res = await send('/iam?b=2&a=1');
    // Assert
    expect(res.status).toBe(200);
    const identity = res.json().event.requestContext.identity;
    expect(identity).toMatchObject({
      accountId: '123456789012',
      userArn: 'arn:aws:iam::123456789012:user/alice',
      accessKey: ALICE.accessKeyId,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
    });
    expect(identity.caller).toMatch(/^AIDA[A-Z0-9]{17}$/);
    expect(identity.user).toBe(identity.caller);
    expect(readIam(identity)).toMatchObject({ kind: 'iam', caller: identity.caller, userArn: identity.userArn, accessKey: identity.accessKey });
  });

  it('names an assumed role\'s session in caller and user', async () => {
    const identity = (await send('/iam', { credentials: READER })).json().event.requestContext.identity;
    expect(identity.caller).toMatch(/^AROA[A-Z0-9]{17}:session-1$/);
    expect(identity.userArn).toBe(READER.arn);
  });

  it('verifies the body a POST was signed with', async () => {
    const ok = await send('/iam', { method: 'POST', body: '{"a":1}' });
    expect(ok.status).toBe(200);
    const { url, init } = await signed(h, '/iam', { method: 'POST', body: '{"a":1}' });
    const tampered = await request(url, { ...init, body: '{"a":2}' });
    expect(tampered.status).toBe(403);
    expect(tampered.json().message).toMatch(/^The request signature we calculated does not match the signature you provided\./);
  });

  it('accepts a presigned URL', async () => {
    expect((await send('/iam?x=1', { presign: true })).status).toBe(200);
  });

  it('answers 403 Missing Authentication Token to an unsigned request', async () => {
    const res = await request(`${h.url}/iam`);
    expect(res.status).toBe(403);
    expect(res.text).toBe('{"message":"Missing Authentication Token"}');
    expect(res.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
  });

  it('answers a Bearer token in Authorization as AWS does (not key=value pairs)', async () => {
    const res = await request(`${h.url}/iam`, { headers: { Authorization: 'Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln' } });
    expect(res.status).toBe(403);
    expect(res.json().message).toMatch(/^Invalid key=value pair \(missing equal-sign\) in Authorization header \(hashed with SHA-256 and encoded with Base64\): '[A-Za-z0-9+/=]+'\.$/);
    expect(res.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
  });

  it('answers a signature made with the wrong secret with the canonical request AWS expected', async () => {
    // Act
    const res = await send('/iam', { credentials: { ...ALICE, secretAccessKey: 'wrong' } });
    // Assert
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    const { message } = res.json();
    expect(message).toContain('Check your AWS Secret Access Key and signing method. Consult the service documentation for details.');
    expect(message).toContain("The Canonical String for this request should have been\n'GET\n/test/iam\n");
    expect(message).toContain("The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n");
  });

  it('answers "Signature expired" to a request signed more than 5 minutes ago, and "not yet current" ahead', async () => {
    // Act
    const old = await send('/iam', { at: h.clock.now() - 6 * 60_000 });
    const ahead = await send('/iam', { at: h.clock.now() + 6 * 60_000 });
    const withinSkew = await send('/iam', { at: h.clock.now() - 4 * 60_000 });
    // Assert
    expect(old.status).toBe(403);
    expect(old.json().message).toBe('Signature expired: 20261124T115400Z is now earlier than 20261124T115500Z (20261124T120000Z - 5 min.)');
    expect(old.headers.get('x-amzn-errortype')).toBe('InvalidSignatureException');
    expect(ahead.json().message).toBe('Signature not yet current: 20261124T120600Z is still later than 20261124T120500Z (20261124T120000Z + 5 min.)');
    expect(withinSkew.status).toBe(200);
  });

  it('answers an unknown access key and a missing session token as invalid security tokens', async () => {
    const unknown = await send('/iam', { credentials: { ...ALICE, accessKeyId: 'AKIANOBODY00000000000' } });
    const noSession = await send('/iam', { credentials: { ...TEMPORARY, sessionToken: undefined } });
    for (const res of [unknown, noSession]) {
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"message":"The security token included in the request is invalid."}');
      expect(res.headers.get('x-amzn-errortype')).toBe('UnrecognizedClientException');
    }
    expect((await send('/iam', { credentials: TEMPORARY })).status).toBe(200);
  });

  it('answers an expired session as an expired token', async () => {
    const expiring = await startAuthGateway({ credentials: [{ ...TEMPORARY, expiresAt: Date.UTC(2026, 10, 24, 12, 30) }] });
    try {
      const { url, init } = await signed(expiring, '/iam', { credentials: TEMPORARY });
      expect((await request(url, init)).status).toBe(200);
      expiring.clock.advance(31 * 60_000);
      const late = await signed(expiring, '/iam', { credentials: TEMPORARY });
      const res = await request(late.url, late.init);
      expect(res.status).toBe(403);
      expect(res.text).toBe('{"message":"The security token included in the request is expired"}');
      expect(res.headers.get('x-amzn-errortype')).toBe('ExpiredTokenException');
    } finally {
      await expiring.close();
    }
  });

  it('answers a signature scoped to another region', async () => {
    const res = await send('/iam', { region: 'us-east-1' });
    expect(res.status).toBe(403);
    expect(res.json().message).toBe("Credential should be scoped to a valid region, not 'us-east-1'. ");
  });

  it("answers 403 AccessDenied when the caller may not invoke the method, masking the account", async () => {
    // Act
    const res = await send('/iam', { method: 'POST', body: '{}', credentials: READER });
    // Assert
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
    const api = (await send('/iam', { credentials: READER })).json().event.requestContext.apiId;
    expect(res.text).toBe(
      `{"Message":"User: ${READER.arn} is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:********9012:${api}/test/POST/iam"}`,
    );
  });
});

describe('default IAM credentials', () => {
  it('issues a stable pair for portico-local when none are given, and prints it', async () => {
    const h = await startAuthGateway();
    try {
      const [credentials] = h.gateway.credentials;
      expect(credentials!.arn).toBe('arn:aws:iam::123456789012:user/portico-local');
      expect(credentials!.accessKeyId).toMatch(/^AKIA[A-Z0-9]{16}$/);
      const apiId = (await request(`${h.url}/open`)).json().event.requestContext.apiId;
      expect(credentials).toEqual(defaultCredentials(apiId, '123456789012'));
      expect(h.logs.join('\n')).toContain(`AWS_ACCESS_KEY_ID=${credentials!.accessKeyId} AWS_SECRET_ACCESS_KEY=${credentials!.secretAccessKey}`);
      const { url, init } = await signed(h, '/iam', { credentials });
      expect((await request(url, init)).status).toBe(200);
    } finally {
      await h.close();
    }
  });
});
