/**
 * The DynamoDB client's failure behaviour, over real sockets on loopback: a server that accepts and never answers, a
 * closed port, scripted DynamoDB error answers, and dynalite. Limits are injected small, and assertions count attempts
 * and connections rather than time, so a slow machine changes nothing but how long the suite takes.
 */
import { createServer, type AddressInfo } from 'node:net';
import { createDynamoDb, DynamoDbError, retryDelay, type DynamoDbOptions } from '../src/dynamodb';
import { closedEndpoint, dynamoError, startDynalite, startScriptedServer, startSilentServer, type FakeDynamo, type LocalDynamoDb } from '../src/testing';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
/** Small limits: every failure resolves in well under a second, and backoff never waits long. */
const fast: DynamoDbOptions = {
  region: 'us-east-1',
  credentials,
  connectTimeoutMs: 200,
  attemptTimeoutMs: 200,
  budgetMs: 20_000,
  maxAttempts: 3,
  baseDelayMs: 1,
  maxDelayMs: 5,
};
const GET = { TableName: 'users', Key: { id: { S: '42' } } };

async function failure(promise: Promise<unknown>): Promise<DynamoDbError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DynamoDbError);
  return error as DynamoDbError;
}

let servers: FakeDynamo[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.stop()));
  servers = [];
});
async function serve(server: Promise<FakeDynamo>): Promise<FakeDynamo> {
  const started = await server;
  servers.push(started);
  return started;
}

describe('a DynamoDB that accepts connections and never answers', () => {
  it('fails each attempt at the attempt timeout, retries on a fresh connection, then gives up: retryable, never a hang', async () => {
    const silent = await serve(startSilentServer());
    const db = createDynamoDb({ ...fast, endpoint: silent.endpoint });

    const error = await failure(db.send('GetItem', GET));

    expect(error).toMatchObject({ operation: 'GetItem', code: 'RequestTimeout', retryable: true, throttled: false, attempts: 3 });
    expect(error.message).toMatch(/^DynamoDB GetItem failed after 3 attempts in \d+ ms: no answer from http:\/\/127\.0\.0\.1:\d+ within 200 ms$/);
    // A timed-out connection is dropped, never reused: a late answer must not be read as the next request's.
    expect(silent.connections).toBe(3);
  });

  it("plans no further than the function's remaining time less the reserve: one attempt, cut short", async () => {
    const silent = await serve(startSilentServer());
    const db = createDynamoDb({ ...fast, attemptTimeoutMs: 60_000, reserveMs: 1000, endpoint: silent.endpoint, remainingTimeMs: () => 1150 });

    const error = await failure(db.send('GetItem', GET));

    // 150 ms of budget: the first attempt is cut at 150 ms (not 60 s), and no time is left for another.
    expect(error).toMatchObject({ code: 'RequestTimeout', attempts: 1, retryable: true });
    expect(error.message).toMatch(/within 150 ms/);
    expect(silent.connections).toBe(1);
  });

  it('does not even try when the remaining time is inside the reserve', async () => {
    const silent = await serve(startSilentServer());
    const db = createDynamoDb({ ...fast, reserveMs: 1000, endpoint: silent.endpoint, remainingTimeMs: () => 900 });

    const error = await failure(db.send('GetItem', GET));

    expect(error).toMatchObject({ code: 'NoTimeLeft', attempts: 0, retryable: true });
    expect(silent.connections).toBe(0);
  });

  it('bounds the connection by the connect timeout: a TLS handshake that never completes', async () => {
    const silent = await serve(startSilentServer());
    const db = createDynamoDb({ ...fast, attemptTimeoutMs: 60_000, maxAttempts: 1, endpoint: silent.endpoint.replace('http:', 'https:') });

    const error = await failure(db.send('GetItem', GET));

    expect(error).toMatchObject({ code: 'ConnectTimeout', attempts: 1, retryable: true });
    expect(error.message).toMatch(/could not connect to https:\/\/127\.0\.0\.1:\d+ within 200 ms/);
  });
});

describe('a closed port', () => {
  it('is a retryable connection error naming the cause, after every attempt', async () => {
    const endpoint = await closedEndpoint();
    const db = createDynamoDb({ ...fast, endpoint });

    const error = await failure(db.send('GetItem', GET));

    expect(error).toMatchObject({ code: 'ConnectionError', retryable: true, attempts: 3 });
    expect(error.message).toMatch(/ECONNREFUSED talking to http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('a connection that breaks mid-answer', () => {
  it('is a retryable connection error, retried on a fresh connection', async () => {
    let connections = 0;
    const server = createServer((socket) => {
      connections++;
      socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 100\r\n\r\n{"Item":'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const db = createDynamoDb({ ...fast, maxAttempts: 2, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });

    const error = await failure(db.send('GetItem', GET));

    expect(error).toMatchObject({ code: 'ConnectionError', retryable: true, attempts: 2 });
    expect(connections).toBe(2);
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('DynamoDB error answers', () => {
  it.each(['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'])(
    'retries %s, then fails as throttled and retryable',
    async (code) => {
      const throttling = await serve(startScriptedServer([dynamoError(400, code)]));
      const db = createDynamoDb({ ...fast, endpoint: throttling.endpoint });

      const error = await failure(db.send('PutItem', { TableName: 'users', Item: { id: { S: '42' } } }));

      expect(error).toMatchObject({ operation: 'PutItem', code, status: 400, throttled: true, retryable: true, attempts: 3 });
      expect(error.message).toContain(`${code}: ${code} (from a test server) (HTTP 400)`);
      expect(throttling.requests).toBe(3);
      expect(throttling.targets).toEqual(Array(3).fill('DynamoDB_20120810.PutItem'));
    },
  );

  it('retries a 500 and returns the answer that follows', async () => {
    const flaky = await serve(startScriptedServer([dynamoError(500, 'InternalServerError'), { status: 200, body: { Item: { id: { S: '42' } } } }]));
    const db = createDynamoDb({ ...fast, endpoint: flaky.endpoint });

    const output = await db.send('GetItem', GET);

    expect(output).toEqual({ Item: { id: { S: '42' } } });
    expect(flaky.requests).toBe(2);
  });

  it.each([
    ['ValidationException', 400],
    ['ConditionalCheckFailedException', 400],
    ['ResourceNotFoundException', 400],
    ['AccessDeniedException', 400],
  ])('fails on %s at once, not retryable', async (code, status) => {
    const server = await serve(startScriptedServer([dynamoError(status, code, 'the reason')]));
    const db = createDynamoDb({ ...fast, endpoint: server.endpoint });

    const error = await failure(db.send('GetItem', GET));

    expect(error).toMatchObject({ code, status, retryable: false, throttled: false, attempts: 1 });
    expect(error.message).toBe(`DynamoDB GetItem failed: ${code}: the reason (HTTP ${status})`);
    expect(server.requests).toBe(1);
  });

  it('names the status when the body is not DynamoDB JSON (a proxy in between)', async () => {
    const server = await serve(startScriptedServer([{ status: 502, body: 'Bad Gateway' }]));
    const db = createDynamoDb({ ...fast, maxAttempts: 1, endpoint: server.endpoint });

    const error = await failure(db.send('GetItem', GET));

    expect(error).toMatchObject({ code: 'HTTP502', status: 502, retryable: true });
  });
});

describe('retry backoff', () => {
  it('is full jitter: uniformly random up to the capped exponential', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelay(attempt, 50, 1000, () => 0.999_999))).toEqual([49, 99, 199, 399, 799, 999]);
    expect(retryDelay(3, 50, 1000, () => 0)).toBe(0);
    expect(retryDelay(3, 50, 1000, () => 0.5)).toBe(100);
  });

  it('draws a fresh jitter for every retry', async () => {
    const throttling = await serve(startScriptedServer([dynamoError(400, 'ThrottlingException')]));
    const draws: number[] = [];
    const db = createDynamoDb({ ...fast, maxAttempts: 4, endpoint: throttling.endpoint, random: () => (draws.push(draws.length), 0) });

    await failure(db.send('GetItem', GET));

    expect(draws).toHaveLength(3);
  });
});

describe('configuration', () => {
  it('asks for a region, and for credentials, with the fix in the message', async () => {
    const noRegion = createDynamoDb({ env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } });
    const noCredentials = createDynamoDb({ env: { AWS_REGION: 'eu-west-1' } });

    await expect(noRegion.send('GetItem', GET)).rejects.toThrow(/no region\. Set AWS_REGION/);
    await expect(noCredentials.send('GetItem', GET)).rejects.toThrow(/no credentials\. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
  });

  it('reads credentials, session token included, from the environment Lambda sets, and signs with them', async () => {
    const server = await serve(startScriptedServer([{ status: 200, body: {} }]));
    const db = createDynamoDb({
      env: {
        AWS_REGION: 'eu-west-1',
        AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
        AWS_SECRET_ACCESS_KEY: 'secret',
        AWS_SESSION_TOKEN: 'token',
        AWS_ENDPOINT_URL_DYNAMODB: server.endpoint,
      },
    });

    await db.send('GetItem', GET);

    const [headers] = server.headers;
    expect(headers?.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(headers).toMatchObject({ 'x-amz-security-token': 'token', 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'DynamoDB_20120810.GetItem' });
  });

  it('takes AWS_ENDPOINT_URL when there is no DynamoDB-specific endpoint', async () => {
    const server = await serve(startScriptedServer([{ status: 200, body: {} }]));
    const db = createDynamoDb({ env: { AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_ENDPOINT_URL: server.endpoint } });

    await db.send('GetItem', GET);

    expect(server.requests).toBe(1);
  });
});

describe('against dynalite', () => {
  let dynamo: LocalDynamoDb;
  const TABLE = 'dynamodb-client-test';
  const local = (): DynamoDbOptions => ({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  beforeAll(async () => {
    dynamo = await startDynalite();
    const db = createDynamoDb(local());
    await db.send('CreateTable', {
      TableName: TABLE,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
    });
    db.close();
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('reuses one kept-alive connection for every call', async () => {
    const before = dynamo.connections;
    const db = createDynamoDb(local());

    for (let i = 0; i < 20; i++) await db.send('GetItem', { TableName: TABLE, Key: { id: { S: String(i) } } });

    expect(dynamo.connections - before).toBe(1);
    db.close();
  });

  it('answers with the item as DynamoDB JSON, and an empty object for a missing key', async () => {
    const db = createDynamoDb(local());
    await db.send('PutItem', { TableName: TABLE, Item: { id: { S: 'x' }, name: { S: 'Ada' }, n: { N: '42' } } });

    const found = await db.send('GetItem', { TableName: TABLE, Key: { id: { S: 'x' } } });
    const missing = await db.send('GetItem', { TableName: TABLE, Key: { id: { S: 'nobody' } } });

    expect(found).toEqual({ Item: { id: { S: 'x' }, name: { S: 'Ada' }, n: { N: '42' } } });
    expect(missing).toEqual({});
    db.close();
  });
});
