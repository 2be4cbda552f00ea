/**
 * A small DynamoDB client: the service's JSON protocol (one POST per operation, `X-Amz-Target:
 * DynamoDB_20120810.<Operation>`) over node:http(s) with a kept-alive agent, signed by `aws4` (./sigv4.ts), with the
 * failure behaviour a Lambda needs built in:
 *
 * - timeouts: connecting (DNS, TCP and TLS) and each attempt are bounded, and so is the whole call, by a budget that
 *   never runs past the function's remaining time less a reserve to answer in;
 * - retries: network failures, timeouts, 5xx and throttling are retried with capped exponential backoff and full
 *   jitter, inside that budget; anything else (a failed condition, a validation error) fails at once;
 * - errors: one {@link DynamoDbError} carrying DynamoDB's error code, the HTTP status, whether it was throttling,
 *   whether a retry could help, and how many attempts were made.
 *
 * Why not the AWS SDK: `scripts/measure-init.ts` compares this client with the SDK (trimmed and as it was), aws-lite and
 * aws4fetch in one run and writes `results/cold-init.md`; the SDK was most of the function's cold start, most of its
 * warm CPU per request and 90% of the bundle. Credentials, region and endpoint come from the environment Lambda
 * sets (no profile files, no instance metadata: a Lambda never needs them).
 *
 * Node built-ins are taken with `process.getBuiltinModule`, never `import`: an ES module import of `node:http` also
 * builds its lazy exports, which loads the fetch stack (undici) for nothing, a cost the benchmark shows.
 */
import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import type { Socket } from 'node:net';
import { signRequest, type Credentials } from './sigv4';

/** A DynamoDB attribute value, as the JSON protocol spells it. */
export type AttributeValue =
  | { S: string }
  | { N: string }
  | { B: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] }
  | { L: AttributeValue[] }
  | { M: Item };

/** An item (or a key): attribute name → value. */
export type Item = { [name: string]: AttributeValue };

/** The expression parameters the item and scan operations share. */
interface Expressions {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}

export interface GetItemInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
  ProjectionExpression?: string;
  ExpressionAttributeNames?: Record<string, string>;
}
export interface PutItemInput extends Expressions {
  TableName: string;
  Item: Item;
  ConditionExpression?: string;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
export interface DeleteItemInput extends Expressions {
  TableName: string;
  Key: Item;
  ConditionExpression?: string;
  ReturnValues?: 'NONE' | 'ALL_OLD';
}
export interface ScanInput extends Expressions {
  TableName: string;
  Limit?: number;
  ExclusiveStartKey?: Item | undefined;
  FilterExpression?: string;
  ProjectionExpression?: string;
  Select?: 'ALL_ATTRIBUTES' | 'SPECIFIC_ATTRIBUTES' | 'COUNT';
  ConsistentRead?: boolean;
}
export interface ScanOutput {
  Items?: Item[];
  Count?: number;
  ScannedCount?: number;
  LastEvaluatedKey?: Item;
}
export interface CreateTableInput {
  TableName: string;
  AttributeDefinitions: { AttributeName: string; AttributeType: 'S' | 'N' | 'B' }[];
  KeySchema: { AttributeName: string; KeyType: 'HASH' | 'RANGE' }[];
  BillingMode?: 'PAY_PER_REQUEST' | 'PROVISIONED';
  ProvisionedThroughput?: { ReadCapacityUnits: number; WriteCapacityUnits: number };
}
export interface TableDescription {
  TableName?: string;
  TableStatus?: 'CREATING' | 'UPDATING' | 'DELETING' | 'ACTIVE' | 'INACCESSIBLE_ENCRYPTION_CREDENTIALS' | 'ARCHIVING' | 'ARCHIVED';
  ItemCount?: number;
}

/** The operations this client speaks, each with its input and output. Add one by adding its types here. */
export interface Operations {
  GetItem: { input: GetItemInput; output: { Item?: Item } };
  PutItem: { input: PutItemInput; output: { Attributes?: Item } };
  DeleteItem: { input: DeleteItemInput; output: { Attributes?: Item } };
  Scan: { input: ScanInput; output: ScanOutput };
  CreateTable: { input: CreateTableInput; output: { TableDescription?: TableDescription } };
  DescribeTable: { input: { TableName: string }; output: { Table?: TableDescription } };
}
export type Operation = keyof Operations;

/** What the store needs from a DynamoDB client: one typed call per operation. */
export interface DynamoDb {
  send<O extends Operation>(operation: O, input: Operations[O]['input']): Promise<Operations[O]['output']>;
}

/** Error codes DynamoDB answers when a table or account is over its throughput: wait, then retry. */
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);

/** What a failed call tells its caller. */
export interface DynamoDbFailure {
  readonly operation: Operation;
  /**
   * DynamoDB's error type (`ConditionalCheckFailedException`, `ValidationException`, …) or, when it never answered:
   * `ConnectTimeout`, `RequestTimeout`, `ConnectionError`, or `NoTimeLeft` (the budget ran out before an attempt).
   */
  readonly code: string;
  /** The HTTP status when DynamoDB answered. */
  readonly status?: number | undefined;
  /** True when DynamoDB said it is over its throughput. */
  readonly throttled: boolean;
  /** True when trying again later may succeed: the database is unreachable, failing or throttling. */
  readonly retryable: boolean;
  /** Attempts made, the failing one included. */
  readonly attempts: number;
}

/**
 * A DynamoDB call that failed, after whatever retries its kind and the budget allowed.
 *
 * @example
 * try {
 *   await db.send('PutItem', { TableName, Item, ConditionExpression: 'attribute_not_exists(id)' });
 * } catch (error) {
 *   if (error instanceof DynamoDbError && error.code === 'ConditionalCheckFailedException') … // the id is taken
 *   if (error instanceof DynamoDbError && error.retryable) … // unavailable or throttled: answer 503
 * }
 */
export class DynamoDbError extends Error implements DynamoDbFailure {
  readonly operation: Operation;
  readonly code: string;
  readonly status: number | undefined;
  readonly throttled: boolean;
  readonly retryable: boolean;
  readonly attempts: number;

  constructor(failure: DynamoDbFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DynamoDbError';
    this.operation = failure.operation;
    this.code = failure.code;
    this.status = failure.status;
    this.throttled = failure.throttled;
    this.retryable = failure.retryable;
    this.attempts = failure.attempts;
  }
}

/** Time limits and retry policy; every field has a default in {@link DYNAMODB_DEFAULTS}. */
export interface DynamoDbTimeouts {
  /** Longest wait for a connection (DNS, TCP and TLS) on one attempt. */
  connectTimeoutMs?: number;
  /** Longest wait for one attempt's whole answer, connection included. */
  attemptTimeoutMs?: number;
  /** Longest one call may take, retries and backoff included. */
  budgetMs?: number;
  /** Attempts per call, the first included. */
  maxAttempts?: number;
  /** Backoff before retry n is a random time up to `min(maxDelayMs, baseDelayMs * 2^(n-1))` ("full jitter"). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Time kept back from the function's remaining time, to answer (503) before Lambda's timeout ends it. */
  reserveMs?: number;
}

/**
 * The defaults, for a function whose timeout is a few seconds or more. A GetItem answers in single-digit
 * milliseconds and a 1 MB Scan page in a few hundred, so one second per attempt only ever cuts off a database that is
 * not answering; three seconds a call lets three attempts through and still answers well inside Lambda's timeout.
 */
export const DYNAMODB_DEFAULTS: Readonly<Required<DynamoDbTimeouts>> = {
  connectTimeoutMs: 500,
  attemptTimeoutMs: 1000,
  budgetMs: 3000,
  maxAttempts: 3,
  baseDelayMs: 50,
  maxDelayMs: 1000,
  reserveMs: 1000,
};

/** {@link createDynamoDb} options; region, credentials and endpoint default from the environment. */
export interface DynamoDbOptions extends DynamoDbTimeouts {
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** @default AWS_ENDPOINT_URL_DYNAMODB, else AWS_ENDPOINT_URL, else https://dynamodb.<region>.amazonaws.com */
  endpoint?: string;
  /** @default AWS_REGION, else AWS_DEFAULT_REGION */
  region?: string;
  /** @default AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN */
  credentials?: Credentials;
  /**
   * The function's remaining time in ms (Lambda's `context.getRemainingTimeInMillis()`), read at the start of each
   * call; `undefined` when not inside an invocation. A call never plans past it less `reserveMs`.
   */
  remainingTimeMs?: () => number | undefined;
  /** The jitter source, in [0, 1). @default Math.random */
  random?: () => number;
}

/** A DynamoDB client whose kept-alive connections can be closed (tests and scripts; a Lambda never needs to). */
export interface DynamoDbClient extends DynamoDb {
  /** Closes idle kept-alive connections. The client stays usable: a later call connects again. */
  close(): void;
}

interface Resolved {
  readonly transport: typeof import('node:http');
  readonly agent: Agent;
  readonly secure: boolean;
  readonly hostname: string;
  readonly port: number;
  readonly host: string;
  readonly path: string;
  readonly region: string;
  readonly credentials: Credentials;
}

interface Answer {
  status: number;
  body: string;
}

/** Why one attempt failed without an answer. */
class AttemptFailure extends Error {
  constructor(
    readonly code: 'ConnectTimeout' | 'RequestTimeout' | 'ConnectionError',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * The backoff before retry `attempt` (1 for the first retry): "full jitter", a uniformly random time up to the
 * capped exponential, so clients that failed together don't retry together.
 *
 * @example
 * retryDelay(3, 50, 1000, () => 0.5); // 100: half of min(1000, 50 * 2^2)
 */
export function retryDelay(attempt: number, baseDelayMs: number, maxDelayMs: number, random: () => number): number {
  return Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
}

/**
 * Creates a client. Nothing is read or connected until the first call, so building it at module init costs nothing
 * and a missing region or credentials shows up as a clear error on the first request.
 *
 * @example
 * const db = createDynamoDb({ remainingTimeMs: () => context.getRemainingTimeInMillis() });
 * const { Item } = await db.send('GetItem', { TableName: 'users', Key: { id: { S: '42' } } });
 */
export function createDynamoDb(options: DynamoDbOptions = {}): DynamoDbClient {
  const limits = { ...DYNAMODB_DEFAULTS, ...definedOnly(options) };
  const random = options.random ?? Math.random;
  let resolved: Resolved | undefined;

  async function send<O extends Operation>(operation: O, input: Operations[O]['input']): Promise<Operations[O]['output']> {
    const target = (resolved ??= resolve(options));
    const body = JSON.stringify(input);
    const started = Date.now();
    const remaining = options.remainingTimeMs?.();
    const budget = remaining === undefined ? limits.budgetMs : Math.min(limits.budgetMs, remaining - limits.reserveMs);
    const deadline = started + budget;
    let attempts = 0;
    for (;;) {
      const left = deadline - Date.now();
      if (left <= 0) {
        const failure = { operation, code: 'NoTimeLeft', throttled: false, retryable: true, attempts };
        throw new DynamoDbError(failure, `DynamoDB ${operation}: no time left to try (budget ${budget} ms)`);
      }
      attempts++;
      let failure: DynamoDbFailure;
      let message: string;
      let cause: unknown;
      try {
        const answer = await post(target, operation, body, Math.min(limits.attemptTimeoutMs, left), limits.connectTimeoutMs);
        if (answer.status === 200) return parseOutput(operation, answer, attempts);
        const { code, detail } = parseError(answer);
        const throttled = THROTTLING.has(code);
        failure = { operation, code, status: answer.status, throttled, retryable: throttled || answer.status >= 500, attempts };
        message = `${code}: ${detail} (HTTP ${answer.status})`;
      } catch (error) {
        if (!(error instanceof AttemptFailure)) throw error;
        failure = { operation, code: error.code, throttled: false, retryable: true, attempts };
        message = error.message;
        cause = error.cause;
      }
      const delay = failure.retryable && attempts < limits.maxAttempts ? retryDelay(attempts, limits.baseDelayMs, limits.maxDelayMs, random) : -1;
      if (delay < 0 || Date.now() + delay >= deadline) {
        const tried = failure.retryable ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'} in ${Date.now() - started} ms` : '';
        throw new DynamoDbError(failure, `DynamoDB ${operation} failed${tried}: ${message}`, { cause });
      }
      await new Promise((wake) => setTimeout(wake, delay));
    }
  }

  return {
    send,
    close() {
      resolved?.agent.destroy();
    },
  };
}

/** Options without their `undefined` fields, so an explicit `undefined` keeps the default. */
function definedOnly(options: DynamoDbTimeouts): DynamoDbTimeouts {
  const out: Record<string, number> = {};
  for (const key of Object.keys(DYNAMODB_DEFAULTS) as (keyof DynamoDbTimeouts)[]) {
    const value = options[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** Region, credentials and endpoint from the options or the environment, read once, on the first call. */
function resolve(options: DynamoDbOptions): Resolved {
  const env = options.env ?? process.env;
  const region = options.region ?? (env.AWS_REGION || env.AWS_DEFAULT_REGION);
  if (!region) throw new Error('DynamoDB: no region. Set AWS_REGION (Lambda sets it; locally any region, e.g. us-east-1)');
  const credentials = options.credentials ?? credentialsFrom(env);
  const configured = env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS === 'true' ? undefined : env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL;
  const endpoint = options.endpoint ?? configured ?? `https://dynamodb.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(`DynamoDB: the endpoint ${JSON.stringify(endpoint)} is not a URL (e.g. http://127.0.0.1:8000)`);
  }
  const secure = url.protocol === 'https:';
  if (!secure && url.protocol !== 'http:') throw new Error(`DynamoDB: the endpoint ${endpoint} must be http: or https:`);
  const transport = process.getBuiltinModule(secure ? 'node:https' : 'node:http') as typeof import('node:http');
  return {
    transport,
    // One agent per client, kept alive: every warm invocation reuses the connection the first one opened.
    agent: new transport.Agent({ keepAlive: true }),
    secure,
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : secure ? 443 : 80,
    host: url.host,
    path: url.pathname || '/',
    region,
    credentials,
  };
}

function credentialsFrom(env: Record<string, string | undefined>): Credentials {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = env;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error(
      'DynamoDB: no credentials. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (Lambda sets them, with AWS_SESSION_TOKEN, ' +
        "from the function's role; against a local DynamoDB any values do)",
    );
  }
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** One signed POST, bounded by `timeoutMs` overall and `connectTimeoutMs` until connected. */
async function post(target: Resolved, operation: Operation, body: string, timeoutMs: number, connectTimeoutMs: number): Promise<Answer> {
  const headers: Record<string, string | number> = {
    Host: target.host,
    'Content-Type': 'application/x-amz-json-1.0',
    'X-Amz-Target': `DynamoDB_20120810.${operation}`,
  };
  // Signed per attempt: a retry carries a fresh date.
  await signRequest({ host: target.host, path: target.path, service: 'dynamodb', region: target.region, headers, body }, target.credentials);
  const options: RequestOptions = {
    hostname: target.hostname,
    port: target.port,
    path: target.path,
    method: 'POST',
    headers,
    agent: target.agent,
  };
  return new Promise<Answer>((resolve, reject) => {
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const settle = (error: Error | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(connectTimer);
      if (error) reject(error);
      else resolve(answer!);
    };
    const fail = (code: AttemptFailure['code'], message: string, cause?: unknown) => {
      const failure = new AttemptFailure(code, message, { cause });
      settle(failure);
      // Destroying the socket (not returning it to the pool) so a late answer can never be read as the next one's.
      request.destroy(failure);
    };
    const request: ClientRequest = target.transport.request(options, (response: IncomingMessage) => {
      response.setEncoding('utf8');
      let text = '';
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => settle(undefined, { status: response.statusCode ?? 0, body: text }));
      response.on('error', (error) => fail('ConnectionError', `the answer broke off: ${error.message}`, error));
      response.on('close', () => {
        if (!response.complete) fail('ConnectionError', `the connection to ${origin(target)} closed mid-answer`);
      });
    });
    const timer = setTimeout(() => fail('RequestTimeout', `no answer from ${origin(target)} within ${timeoutMs} ms`), timeoutMs);
    request.on('socket', (socket: Socket) => {
      if (!socket.connecting) return; // a kept-alive connection
      connectTimer = setTimeout(() => fail('ConnectTimeout', `could not connect to ${origin(target)} within ${connectTimeoutMs} ms`), connectTimeoutMs);
      socket.once(target.secure ? 'secureConnect' : 'connect', () => clearTimeout(connectTimer));
    });
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof AttemptFailure) return;
      fail('ConnectionError', `${error.code ?? error.name} talking to ${origin(target)}: ${error.message}`, error);
    });
    request.end(body);
  });
}

function origin(target: Resolved): string {
  return `${target.secure ? 'https' : 'http'}://${target.host}`;
}

function parseOutput<O extends Operation>(operation: O, answer: Answer, attempts: number): Operations[O]['output'] {
  try {
    return JSON.parse(answer.body) as Operations[O]['output'];
  } catch (error) {
    const failure = { operation, code: 'MalformedResponse', status: answer.status, throttled: false, retryable: false, attempts };
    throw new DynamoDbError(failure, `DynamoDB ${operation} answered 200 with a body that is not JSON`, { cause: error });
  }
}

/** DynamoDB's error answer: `{"__type": "com.amazonaws.dynamodb.v20120810#<Code>", "message": "…"}`. */
function parseError(answer: Answer): { code: string; detail: string } {
  try {
    const parsed = JSON.parse(answer.body) as { __type?: unknown; message?: unknown; Message?: unknown };
    const type = typeof parsed.__type === 'string' ? parsed.__type : '';
    const detail = parsed.message ?? parsed.Message;
    return { code: type.slice(type.lastIndexOf('#') + 1) || `HTTP${answer.status}`, detail: typeof detail === 'string' ? detail : answer.body };
  } catch {
    return { code: `HTTP${answer.status}`, detail: answer.body.slice(0, 200) || '(empty body)' };
  }
}
