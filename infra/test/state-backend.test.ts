/**
 * Where a deploy goes and where its state lives: the target read from the environment, the stage a deploy picks, the
 * backend block each stack gets, and — against S3 and DynamoDB on a private moto_server — that the S3 state is one
 * object per stack and its lock (a DynamoDB item, or S3's own lock file) really stops a second run of the same stage
 * and only of that stage.
 */
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { isAbsolute, join, resolve } from 'node:path';
import { checkDestroy, chooseStage } from '../src/deploy';
import { planTargetFromEnv, targetFromEnv, type DeployTarget } from '../src/target';
import { terraform } from '../src/terraform';
import { startMoto, type MotoServer } from './support/moto';
import { EXAMPLE, EXAMPLE_API_FIXTURE, removeSynthOutputs, synthTemp, synthVariant, type SynthesizedJson } from './support/stack-json';
import { motoProblem, requireTool, terraformInit, terraformProblem, terraformTestEnv } from './support/tools';

const INFRA = resolve(__dirname, '..');
const APIS = [EXAMPLE_API_FIXTURE];
const backendOf = (json: { terraform: Record<string, unknown> }) => json.terraform.backend as Record<string, Record<string, unknown>>;

describe('the deploy target, from the environment', () => {
  it('defaults to local state under infra/state, planned offline when there are no credentials', () => {
    expect(targetFromEnv({}, INFRA)).toEqual({ offline: true, backend: { kind: 'local', dir: join(INFRA, 'state') } });
    expect(targetFromEnv({ PORTICO_STATE_DIR: 'elsewhere' }, INFRA).backend).toEqual({ kind: 'local', dir: join(INFRA, 'elsewhere') });
  });

  it('plans against AWS when credentials are there, and follows PORTICO_PLAN_OFFLINE when set', () => {
    expect(targetFromEnv({ AWS_ACCESS_KEY_ID: 'AKIA', AWS_SECRET_ACCESS_KEY: 's' }, INFRA).offline).toBeUndefined();
    expect(targetFromEnv({ AWS_WEB_IDENTITY_TOKEN_FILE: '/token' }, INFRA).offline).toBeUndefined();
    expect(targetFromEnv({ AWS_PROFILE: 'p', PORTICO_PLAN_OFFLINE: '1' }, INFRA).offline).toBe(true);
    expect(targetFromEnv({ PORTICO_PLAN_OFFLINE: '0' }, INFRA).offline).toBeUndefined();
  });

  it('keeps state in S3 when PORTICO_STATE_BUCKET names a bucket, with the lock table, region and prefix given', () => {
    const env = {
      PORTICO_STATE_BUCKET: 'acme-state',
      PORTICO_STATE_REGION: 'us-east-1',
      PORTICO_STATE_LOCK_TABLE: 'acme-locks',
      PORTICO_STATE_PREFIX: 'team',
    };
    expect(targetFromEnv(env, INFRA).backend).toEqual({
      kind: 's3',
      bucket: 'acme-state',
      region: 'us-east-1',
      lockTable: 'acme-locks',
      keyPrefix: 'team',
    });
    expect(targetFromEnv({ PORTICO_STATE_BUCKET: 'acme-state' }, INFRA).backend).toEqual({ kind: 's3', bucket: 'acme-state' });
  });

  it('plans against local state when there are no credentials to read the S3 state with, and against S3 otherwise', () => {
    const bucket = { PORTICO_STATE_BUCKET: 'acme-state' };

    expect(planTargetFromEnv(bucket, INFRA)).toEqual({ offline: true, backend: { kind: 'local', dir: join(INFRA, 'state') } });
    expect(planTargetFromEnv({ ...bucket, AWS_WEB_IDENTITY_TOKEN_FILE: '/token' }, INFRA).backend).toEqual({ kind: 's3', bucket: 'acme-state' });
  });

  it('sends everything to an emulator named by AWS_ENDPOINT_URL, never with the team S3 state', () => {
    const target = targetFromEnv({ AWS_ENDPOINT_URL: 'http://127.0.0.1:5000', PORTICO_STATE_BUCKET: 'acme-state' }, INFRA);
    expect(target).toEqual({ endpoint: 'http://127.0.0.1:5000', backend: { kind: 'local', dir: join(INFRA, 'state') } });
  });
});

describe('the stage a deploy picks', () => {
  it('takes --stage over STAGE, STAGE over the default, and dev by default', () => {
    expect(chooseStage(APIS, 'prod', 'dev')).toEqual({ stage: 'prod', from: '--stage' });
    expect(chooseStage(APIS, undefined, 'prod')).toEqual({ stage: 'prod', from: 'STAGE' });
    expect(chooseStage(APIS, '', '')).toEqual({ stage: 'dev', from: 'default' });
  });

  it('refuses a stage the API does not declare, naming the ones it does', () => {
    expect(() => chooseStage(APIS, 'staging', undefined)).toThrow('example-api has no stage "staging": use --stage dev|prod');
    expect(() => chooseStage(APIS, undefined, 'Prod')).toThrow(/no stage "Prod"/);
  });

  it('destroys a stage that protects its data (prod) only with --confirm <stack>', () => {
    const api = EXAMPLE_API_FIXTURE;
    expect(() => checkDestroy(api, 'prod', true, undefined)).toThrow('repeat with --confirm example-api-prod');
    expect(() => checkDestroy(api, 'prod', true, 'example-api-dev')).toThrow(/--confirm example-api-prod/);
    expect(() => checkDestroy(api, 'prod', true, 'example-api-prod')).not.toThrow();
    expect(() => checkDestroy(api, 'dev', true, undefined)).not.toThrow();
    expect(() => checkDestroy(api, 'prod', false, undefined)).not.toThrow();
  });
});

describe('the backend block of a stack', () => {
  it('is S3, encrypted, one key per stack, locked through the DynamoDB table when one is named', () => {
    const target: DeployTarget = { backend: { kind: 's3', bucket: 'acme-state', region: 'us-east-1', lockTable: 'acme-locks', keyPrefix: 'team' } };
    const { json } = synthVariant('prod', { target });
    expect(backendOf(json)).toEqual({
      s3: { bucket: 'acme-state', key: 'team/example-api-prod.tfstate', region: 'us-east-1', encrypt: true, dynamodb_table: 'acme-locks' },
    });
  });

  it("is locked through S3's own lock file without a table, in the stage's region under the portico prefix", () => {
    const { json } = synthVariant('dev', { target: { backend: { kind: 's3', bucket: 'acme-state' } } });
    expect(backendOf(json)).toEqual({
      s3: { bucket: 'acme-state', key: 'portico/example-api-dev.tfstate', region: EXAMPLE.stages.dev!.region, encrypt: true, use_lockfile: true },
    });
  });

  it('is a local file named after the stack, by a path relative to the stack directory', () => {
    const { stacks } = synthTemp();
    for (const stack of stacks) {
      const path = String(backendOf(stack.json).local!.path);
      expect(isAbsolute(path)).toBe(false);
      expect(resolve(stack.dir, path)).toMatch(new RegExp(`state/${stack.name}\\.tfstate$`));
    }
  });
});

const terraformMissing = terraformProblem();
const withTools =
  requireTool('terraform', terraformMissing === undefined, terraformMissing ?? '') &&
  requireTool('moto_server', motoProblem() === undefined, motoProblem() ?? '');

(withTools ? describe : describe.skip)('S3 state with locking, on moto', () => {
  jest.setTimeout(180_000);
  const BUCKET = 'portico-state';
  const TABLE = 'portico-locks';
  let moto: MotoServer;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;

  beforeAll(async () => {
    moto = await startMoto();
    const options = { endpoint: moto.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    s3 = new S3Client({ ...options, forcePathStyle: true });
    dynamodb = new DynamoDBClient(options);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    await dynamodb.send(
      new CreateTableCommand({
        TableName: TABLE,
        AttributeDefinitions: [{ AttributeName: 'LockID', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'LockID', KeyType: 'HASH' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
  });
  afterAll(async () => {
    removeSynthOutputs();
    await moto?.stop();
  });

  /** Both stacks with the S3 backend, inited against moto (the backend's S3, DynamoDB and STS calls go there). */
  async function initStacks(lockTable: string | undefined, keyPrefix: string): Promise<{ stacks: SynthesizedJson[]; env: NodeJS.ProcessEnv }> {
    const backend = { kind: 's3' as const, bucket: BUCKET, region: 'eu-west-1', keyPrefix, ...(lockTable ? { lockTable } : {}) };
    // Offline: the aws provider itself makes no calls; only the backend talks to moto.
    const { stacks } = synthTemp({ target: { offline: true, backend } });
    const env = {
      ...terraformTestEnv({ offline: true, backend }),
      AWS_ENDPOINT_URL_S3: moto.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB: moto.endpoint,
      AWS_ENDPOINT_URL_STS: moto.endpoint,
    };
    for (const stack of stacks) {
      // Path-style addressing: the bucket can't be a subdomain of 127.0.0.1. Real S3 needs no such setting.
      const init = await terraformInit(stack.dir, env, { backend: true, backendConfig: { use_path_style: 'true' } });
      expect(init.stderr).toBe('');
      expect(init.code).toBe(0);
    }
    return { stacks, env };
  }

  const plan = (stack: SynthesizedJson, env: NodeJS.ProcessEnv) =>
    terraform(['plan', '-input=false', '-no-color', '-refresh=false', '-lock-timeout=0s'], { cwd: stack.dir, env });
  const HELD = JSON.stringify({ ID: 'held-by-test', Operation: 'OperationTypeApply', Who: 'another-deploy' });

  it('a held DynamoDB lock stops a plan of the same stage, not of the other, and a plan releases its own', async () => {
    const { stacks, env } = await initStacks(TABLE, 'locktable');
    const [dev, prod] = [stacks.find((s) => s.stage === 'dev')!, stacks.find((s) => s.stage === 'prod')!];
    const devLock = `${BUCKET}/locktable/example-api-dev.tfstate`;
    await dynamodb.send(new PutItemCommand({ TableName: TABLE, Item: { LockID: { S: devLock }, Info: { S: HELD } } }));

    const [blocked, free] = [await plan(dev, env), await plan(prod, env)];

    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('Error acquiring the state lock');
    expect(blocked.stderr).toContain('another-deploy');
    expect(free.stderr).toBe('');
    expect(free.code).toBe(0);
    const prodLock = await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { LockID: { S: `${BUCKET}/locktable/example-api-prod.tfstate` } } }));
    expect(prodLock.Item).toBeUndefined();
  });

  it("a held S3 lock file stops a plan of the same stage, not of the other (no lock table)", async () => {
    const { stacks, env } = await initStacks(undefined, 'lockfile');
    const [dev, prod] = [stacks.find((s) => s.stage === 'dev')!, stacks.find((s) => s.stage === 'prod')!];
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lockfile/example-api-prod.tfstate.tflock', Body: HELD }));

    const [free, blocked] = [await plan(dev, env), await plan(prod, env)];

    expect(blocked.code).not.toBe(0);
    expect(blocked.stderr).toContain('Error acquiring the state lock');
    expect(free.stderr).toBe('');
    expect(free.code).toBe(0);
  });
});
