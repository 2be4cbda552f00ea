/**
 * The deploy path end to end on a local AWS emulator: `deploy()` (what `pnpm turbo deploy` runs) applies
 * the fixture API's dev stack (test/fixtures/example-api) to a private moto_server, the AWS SDK reads back what was created and compares it with the stage
 * config and the route table, then `deploy({ destroy: true })` removes it and nothing of the stack is left.
 *
 * Skipped, with the reason, without terraform + the provider mirror or moto_server; PORTICO_REQUIRE_TOOLS=1 fails
 * instead. Apply and destroy times are printed at the end. moto cannot invoke Lambda, so requests are not sent.
 */
import {
  GetAccountCommand,
  GetApiKeysCommand,
  GetDeploymentsCommand,
  GetGatewayResponsesCommand,
  GetMethodCommand,
  GetModelsCommand,
  GetRequestValidatorsCommand,
  GetResourcesCommand,
  GetRestApisCommand,
  GetStageCommand,
  GetUsagePlanKeysCommand,
  GetUsagePlansCommand,
  type Resource,
  type RestApi,
} from '@aws-sdk/client-api-gateway';
import { GetDistributionConfigCommand, ListDistributionsCommand } from '@aws-sdk/client-cloudfront';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ListTablesCommand,
} from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, GetPolicyCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { routeList } from './fixtures/example-api/routes';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stackName, stageOf } from '../src/api';
import { deploy, type DeployResult } from '../src/deploy';
import { gatewayRoutes } from '../src/gateway-routes';
import { GATEWAY_RESPONSE_TYPES } from '../src/constructs/gateway-responses';
import { CACHE_VARY_HEADERS } from '../src/constructs/rest-api-service';
import { EXAMPLE_API, STORE_ACTIONS } from './fixtures/example-api/portico.config';
import { tempArtifact } from './support/artifact';
import { awsClients, only, policyDocument, primePluginCache } from './support/aws-readback';
import { startMoto, type MotoServer } from './support/moto';
import {
  PLUGIN_CACHE_ENV,
  motoAvailable,
  motoProblem,
  requireTool,
  terraformAvailable,
  terraformProblem,
} from './support/tools';

const STAGE = 'dev' as const;
const STACK = stackName(EXAMPLE_API.config, STAGE);
const config = stageOf(EXAMPLE_API.config, STAGE);
const routes = gatewayRoutes(routeList);
const FUNCTION = `${STACK}-handler`;
const TABLE = `${STACK}-users`;
/** Every route's path, its parents and the root: the resource tree API Gateway must hold. */
const PATHS = [...new Set(['/', ...routes.flatMap((r) => ancestors(r.path))])].sort();
/** Path → methods: each route's, plus the CORS preflight on every routed path. */
const METHODS = new Map(
  [...new Set(routes.map((r) => r.path))].map((path) => [
    path,
    [...routes.filter((r) => r.path === path).map((r) => r.method), 'OPTIONS'].sort(),
  ]),
);

const runs =
  requireTool('terraform', terraformAvailable(), terraformProblem() ?? '') &&
  requireTool('moto_server', motoAvailable(), motoProblem() ?? '');
const APPLY_TIMEOUT_MS = 5 * 60_000;

(runs ? describe : describe.skip)(`${STACK} applied to the moto emulator`, () => {
  let moto: MotoServer | undefined;
  let workDir: string;
  let env: NodeJS.ProcessEnv;
  let applied: DeployResult;
  let reapplied: DeployResult | undefined;
  let destroyed: DeployResult | undefined;
  let clients: ReturnType<typeof awsClients>;
  let artifact: ReturnType<typeof tempArtifact>;
  let api: RestApi;
  let resources: Resource[];
  const log: string[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    workDir = mkdtempSync(join(tmpdir(), 'portico-emulator-'));
    // A small stand-in zip: the test is about the infrastructure, and moto cannot run the function anyway.
    artifact = tempArtifact();
    env = {
      ...process.env,
      AWS_ENDPOINT_URL: moto.endpoint,
      // Everything the deploy writes goes to the temp dir, never to the repository.
      PORTICO_CDKTF_OUT: join(workDir, 'cdktf.out'),
      PORTICO_STATE_DIR: join(workDir, 'state'),
      PORTICO_LAMBDA_META: artifact.metaPath,
      ...PLUGIN_CACHE_ENV,
    };
    await primePluginCache(workDir);
    clients = awsClients(moto.endpoint, config.region);
    applied = await deploy({ api: EXAMPLE_API, stage: STAGE, env, cliConfigDir: join(workDir, 'terraform-cli'), log: (line) => log.push(line) });
    api = only((await clients.apigateway.send(new GetRestApisCommand({ limit: 500 }))).items, (a) => a.name === STACK);
    resources = (await clients.apigateway.send(new GetResourcesCommand({ restApiId: api.id, limit: 500 }))).items ?? [];
  }, APPLY_TIMEOUT_MS);

  afterAll(async () => {
    await moto?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (artifact) rmSync(dirname(dirname(artifact.metaPath)), { recursive: true, force: true });
    if (applied) {
      const line = (r: DeployResult): string =>
        `${r === reapplied ? 're-apply' : r.action} ${(r.timings.applyMs / 1000).toFixed(1)} s` +
        ` (${r.resources.added || r.resources.destroyed} resources;` +
        ` init ${(r.timings.initMs / 1000).toFixed(1)} s, synth ${(r.timings.synthMs / 1000).toFixed(1)} s)`;
      console.log(
        [
          ...log,
          `${STACK} on moto: ${[applied, reapplied, destroyed].flatMap((r) => (r ? [line(r)] : [])).join('; ')}`,
          `left out on the emulator: ${applied.omitted.join(', ') || 'nothing'}`,
        ].join('\n'),
      );
    }
  });

  describe('apply', () => {
    it('creates the stack and reports its public outputs, never the API key values', () => {
      expect(applied.resources).toMatchObject({ changed: 0, destroyed: 0 });
      expect(applied.resources.added).toBeGreaterThan(0);
      expect(applied.endpoint).toBe(moto!.endpoint);
      expect(applied.outputs).toMatchObject({
        rest_api_id: api.id,
        stage_name: config.stage,
        function_name: FUNCTION,
        table_names: { users: TABLE },
        invoke_url: expect.stringMatching(new RegExp(`^https://${api.id}\\.execute-api\\.${config.region}\\.amazonaws\\.com/${config.stage}$`)),
        cloudfront_url: expect.stringMatching(/^https:\/\/[a-z0-9]+\.cloudfront\.net$/),
      });
      expect(Object.keys(applied.outputs.api_key_ids as object).sort()).toEqual(Object.keys(config.usagePlans).sort());
      expect(applied.outputs).not.toHaveProperty('api_key_values');
    });

    it('reports exactly the CloudFront policies as left out on the emulator', () => {
      expect([...applied.omitted].sort()).toEqual(['aws_cloudfront_cache_policy', 'aws_cloudfront_origin_request_policy']);
    });
  });

  describe('REST API', () => {
    it('is a REGIONAL API that reads keys from the x-api-key header', () => {
      expect(api).toMatchObject({ endpointConfiguration: { types: ['REGIONAL'] }, apiKeySource: 'HEADER' });
    });

    it('has the resource tree of the route table, and each routed path its methods plus OPTIONS', () => {
      expect(resources.map((r) => r.path).sort()).toEqual(PATHS);
      for (const resource of resources) {
        expect([resource.path, Object.keys(resource.resourceMethods ?? {}).sort()]).toEqual([
          resource.path,
          METHODS.get(resource.path!) ?? [],
        ]);
      }
    });

    it.each(routes.map((r) => [`${r.method} ${r.path}`, r] as const))(
      '%s: API key, parameters, model, validator and an AWS_PROXY integration as the route declares',
      async (_, route) => {
        const method = await clients.apigateway.send(
          new GetMethodCommand({ restApiId: api.id, resourceId: resourceAt(route.path).id, httpMethod: route.method }),
        );
        expect(method.apiKeyRequired ?? false).toBe(route.apiKeyRequired);
        expect(method.operationName).toBe(route.name);
        expect(method.requestParameters ?? {}).toEqual(
          Object.fromEntries([
            ...route.pathParameters.map((name) => [`method.request.path.${name}`, true]),
            ...route.queryParameters.map((q) => [`method.request.querystring.${q.name}`, q.required]),
            // Cached routes also key their cache on the headers the answer varies on (CORS echoes Origin).
            ...(route.cacheKeyParameters.length > 0 ? CACHE_VARY_HEADERS.map((name) => [`method.request.header.${name}`, false]) : []),
          ]),
        );
        expect(method.requestModels ?? {}).toEqual(route.bodyModel ? { 'application/json': route.bodyModel.name } : {});
        const validators = await validatorsById();
        const expected = route.bodyModel ? 'body-and-parameters' : route.queryParameters.some((q) => q.required) ? 'parameters' : undefined;
        expect(method.requestValidatorId && validators.get(method.requestValidatorId)).toBe(expected);
        expect(method.methodIntegration).toMatchObject({
          type: 'AWS_PROXY',
          httpMethod: 'POST',
          uri: expect.stringContaining(`:function:${FUNCTION}/invocations`),
          timeoutInMillis: 29_000,
        });
      },
    );

    it('requires an API key on every write (POST, DELETE) and on nothing else', () => {
      const writes = routes.filter((r) => r.method === 'POST' || r.method === 'DELETE');
      expect(writes.length).toBeGreaterThan(0);
      expect(routes.filter((r) => r.apiKeyRequired)).toEqual(writes);
    });

    it('answers CORS preflight with a MOCK integration on every routed path', async () => {
      for (const path of METHODS.keys()) {
        const options = await clients.apigateway.send(
          new GetMethodCommand({ restApiId: api.id, resourceId: resourceAt(path).id, httpMethod: 'OPTIONS' }),
        );
        expect([path, options.apiKeyRequired ?? false, options.methodIntegration?.type]).toEqual([path, false, 'MOCK']);
      }
    });

    it('has the two request validators and one model per body, with the route schema', async () => {
      const { items: validators = [] } = await clients.apigateway.send(new GetRequestValidatorsCommand({ restApiId: api.id }));
      expect(validators.map(({ name, validateRequestBody, validateRequestParameters }) => ({
        name,
        body: validateRequestBody ?? false,
        parameters: validateRequestParameters ?? false,
      }))).toEqual(
        expect.arrayContaining([
          { name: 'body-and-parameters', body: true, parameters: true },
          { name: 'parameters', body: false, parameters: true },
        ]),
      );
      expect(validators).toHaveLength(2);
      const { items: models = [] } = await clients.apigateway.send(new GetModelsCommand({ restApiId: api.id }));
      const bodies = routes.flatMap((r) => (r.bodyModel ? [r.bodyModel] : []));
      expect(models.map((m) => m.name).sort()).toEqual(bodies.map((b) => b.name).sort());
      for (const body of bodies) {
        const model = models.find((m) => m.name === body.name)!;
        expect(model.contentType).toBe('application/json');
        expect(JSON.parse(model.schema!)).toEqual(body.schema);
      }
    });

    it("answers gateway errors as problem JSON carrying the stage's one CORS origin", async () => {
      const { items = [] } = await clients.apigateway.send(new GetGatewayResponsesCommand({ restApiId: api.id, limit: 500 }));
      for (const type of Object.keys(GATEWAY_RESPONSE_TYPES)) {
        const response = items.find((r) => r.responseType === type);
        expect(response?.responseParameters).toMatchObject({
          'gatewayresponse.header.Access-Control-Allow-Origin': `'${config.corsOrigins[0]}'`,
          'gatewayresponse.header.Content-Type': "'application/problem+json'",
        });
      }
    });
  });

  describe('stage', () => {
    it('serves the current deployment with tracing, variables, access log and the stage cache', async () => {
      const stage = await clients.apigateway.send(new GetStageCommand({ restApiId: api.id, stageName: config.stage }));
      const { items: deployments = [] } = await clients.apigateway.send(new GetDeploymentsCommand({ restApiId: api.id }));
      expect(deployments.map((d) => d.id)).toContain(stage.deploymentId);
      expect(stage).toMatchObject({
        tracingEnabled: true,
        variables: config.stageVariables,
        cacheClusterEnabled: config.cache.enabled,
        ...(config.cache.enabled ? { cacheClusterSize: config.cache.clusterSize } : {}),
        accessLogSettings: { destinationArn: expect.stringContaining(`:log-group:/aws/apigateway/${STACK}/${config.stage}`) },
      });
    });

    it('throttles every method at the stage limits and caches exactly the routes with cache keys', async () => {
      const { methodSettings = {} } = await clients.apigateway.send(
        new GetStageCommand({ restApiId: api.id, stageName: config.stage }),
      );
      const throttle = { throttlingRateLimit: config.throttle.rateLimit, throttlingBurstLimit: config.throttle.burstLimit };
      expect(methodSettings['*/*']).toMatchObject({ ...throttle, metricsEnabled: true, cachingEnabled: false });
      const cached = routes.filter((r) => r.cacheKeyParameters.length > 0);
      expect(cached.length).toBeGreaterThan(0);
      expect(Object.keys(methodSettings).sort()).toEqual(['*/*', ...cached.map((r) => `${r.path.slice(1)}/${r.method}`)].sort());
      for (const route of cached) {
        expect(methodSettings[`${route.path.slice(1)}/${route.method}`]).toMatchObject({
          ...throttle,
          cachingEnabled: true,
          cacheTtlInSeconds: route.cacheTtlSeconds ?? config.cache.ttlSeconds,
          cacheDataEncrypted: true,
          requireAuthorizationForCacheControl: true,
        });
      }
    });

    it('binds one usage plan per configured plan to the stage, each with its limits and its own enabled key', async () => {
      const { items: plans = [] } = await clients.apigateway.send(new GetUsagePlansCommand({ limit: 500 }));
      expect(plans.map((p) => p.name).sort()).toEqual(Object.keys(config.usagePlans).map((n) => `${STACK}-${n}`).sort());
      const { items: keys = [] } = await clients.apigateway.send(new GetApiKeysCommand({ limit: 500 }));
      const keyIds = applied.outputs.api_key_ids as Record<string, string>;
      for (const [name, limits] of Object.entries(config.usagePlans)) {
        const plan = plans.find((p) => p.name === `${STACK}-${name}`)!;
        expect(plan).toMatchObject({
          apiStages: [{ apiId: api.id, stage: config.stage }],
          throttle: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
          quota: { limit: limits.quotaLimit, period: limits.quotaPeriod },
        });
        const { items: planKeys = [] } = await clients.apigateway.send(new GetUsagePlanKeysCommand({ usagePlanId: plan.id }));
        expect(planKeys.map((k) => ({ id: k.id, type: k.type, name: k.name }))).toEqual([
          { id: keyIds[name], type: 'API_KEY', name: `${STACK}-${name}` },
        ]);
        expect(keys.find((k) => k.id === keyIds[name])?.enabled).toBe(true);
      }
    });

    it('lets API Gateway write logs through the account CloudWatch role when the stage manages it', async () => {
      const account = await clients.apigateway.send(new GetAccountCommand({}));
      if (!config.manageGatewayLoggingRole) return;
      const roleName = account.cloudwatchRoleArn?.split('/').pop();
      expect(roleName).toMatch(/^apigateway-cloudwatch-/);
      const role = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
      expect(policyDocument(role.Role?.AssumeRolePolicyDocument).Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'apigateway.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
    });
  });

  describe('function and data', () => {
    it('stores users on demand, with point-in-time recovery and encryption at rest', async () => {
      const { Table: table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(table).toMatchObject({
        BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        SSEDescription: { Status: 'ENABLED' },
        DeletionProtectionEnabled: config.protectData,
      });
      const backups = await clients.dynamodb.send(new DescribeContinuousBackupsCommand({ TableName: TABLE }));
      expect(backups.ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus).toBe('ENABLED');
    });

    it('runs the built zip on Node.js 22, arm64, with the stage settings and environment', async () => {
      const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: FUNCTION }));
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: artifact.handler,
        CodeSha256: artifact.sourceCodeHash,
        MemorySize: config.lambda.memoryMb,
        Timeout: config.lambda.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
        Role: expect.stringMatching(new RegExp(`:role/${FUNCTION}-role$`)),
      });
      expect(fn.Environment?.Variables).toEqual({ USERS_TABLE: TABLE, CORS_ORIGINS: config.corsOrigins.join(','), STAGE: config.stage });
    });

    it('may be invoked by this API only', async () => {
      const { Policy } = await clients.lambda.send(new GetPolicyCommand({ FunctionName: FUNCTION }));
      const [statement, ...others] = JSON.parse(Policy!).Statement;
      expect(others).toEqual([]);
      expect(statement).toMatchObject({
        Action: 'lambda:InvokeFunction',
        Principal: { Service: 'apigateway.amazonaws.com' },
        Condition: { ArnLike: { 'AWS:SourceArn': expect.stringMatching(new RegExp(`:${api.id}/\\*/\\*$`)) } },
      });
    });

    it("gives the function's role exactly the store's table actions, its own log group and tracing", async () => {
      const roleName = `${FUNCTION}-role`;
      const role = await clients.iam.send(new GetRoleCommand({ RoleName: roleName }));
      expect(policyDocument(role.Role?.AssumeRolePolicyDocument).Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      const { PolicyNames } = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
      expect(PolicyNames).toEqual(['least-privilege']);
      const { PolicyDocument } = await clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: 'least-privilege' }));
      const { Table: table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }));
      expect(policyDocument(PolicyDocument).Statement).toEqual([
        { Sid: 'UsersTable', Effect: 'Allow', Action: [...STORE_ACTIONS], Resource: table?.TableArn },
        {
          Sid: 'OwnLogGroup',
          Effect: 'Allow',
          Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
          Resource: expect.stringMatching(new RegExp(`:log-group:/aws/lambda/${FUNCTION}:\\*$`)),
        },
        { Sid: 'Tracing', Effect: 'Allow', Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], Resource: '*' },
      ]);
    });

    it('keeps the function and access logs for the stage retention', async () => {
      const { logGroups = [] } = await clients.logs.send(new DescribeLogGroupsCommand({}));
      expect(logGroups.map((g) => [g.logGroupName, g.retentionInDays]).sort()).toEqual(
        [
          [`/aws/apigateway/${STACK}/${config.stage}`, config.logRetentionDays],
          [`/aws/lambda/${FUNCTION}`, config.logRetentionDays],
        ].sort(),
      );
    });
  });

  describe('CloudFront', () => {
    it('fronts the stage over HTTPS, forwards the API key and keys its cache on the routes cache keys', async () => {
      const { DistributionList } = await clients.cloudfront.send(new ListDistributionsCommand({}));
      const [summary, ...others] = DistributionList?.Items ?? [];
      expect(others).toEqual([]);
      expect(applied.outputs.cloudfront_url).toBe(`https://${summary?.DomainName}`);
      const { DistributionConfig: distribution } = await clients.cloudfront.send(new GetDistributionConfigCommand({ Id: summary?.Id }));
      expect(distribution).toMatchObject({
        Enabled: true,
        Comment: `${STACK} API`,
        HttpVersion: 'http2and3',
        Origins: {
          Items: [
            {
              Id: 'api',
              DomainName: `${api.id}.execute-api.${config.region}.amazonaws.com`,
              OriginPath: `/${config.stage}`,
              CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSslProtocols: { Items: ['TLSv1.2'] } },
            },
          ],
        },
      });
      const behavior = distribution!.DefaultCacheBehavior!;
      expect(behavior.ViewerProtocolPolicy).toBe('https-only');
      expect(behavior.AllowedMethods?.Items?.sort()).toEqual(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
      expect(behavior.AllowedMethods?.CachedMethods?.Items?.sort()).toEqual(['GET', 'HEAD']);
      expect(behavior.ForwardedValues?.Headers?.Items).toContain('x-api-key');
      expect(behavior.ForwardedValues?.QueryStringCacheKeys?.Items?.sort()).toEqual(
        [...new Set(routes.flatMap((r) => r.cacheKeyParameters))].sort(),
      );
    });
  });

  describe('apply again', () => {
    it(
      'changes nothing: every attribute the emulator reports matches the configuration',
      async () => {
        reapplied = await deploy({ api: EXAMPLE_API, stage: STAGE, env, cliConfigDir: join(workDir, 'terraform-cli'), log: (line) => log.push(line) });
        expect(reapplied.resources).toEqual({ added: 0, changed: 0, destroyed: 0 });
        expect(reapplied.outputs).toEqual(applied.outputs);
      },
      APPLY_TIMEOUT_MS,
    );
  });

  describe('destroy', () => {
    it(
      'removes every resource it applied and leaves nothing of the stack behind',
      async () => {
        destroyed = await deploy({
          api: EXAMPLE_API,
          stage: STAGE,
          env,
          destroy: true,
          cliConfigDir: join(workDir, 'terraform-cli'),
          log: (line) => log.push(line),
        });
        expect(destroyed.resources).toEqual({ added: 0, changed: 0, destroyed: applied.resources.added });
        expect(destroyed.outputs).toEqual({});

        const { apigateway, dynamodb, lambda, iam, logs, cloudfront } = clients;
        const roles = (await iam.send(new ListRolesCommand({}))).Roles ?? [];
        expect({
          restApis: (await apigateway.send(new GetRestApisCommand({}))).items ?? [],
          usagePlans: (await apigateway.send(new GetUsagePlansCommand({}))).items ?? [],
          apiKeys: (await apigateway.send(new GetApiKeysCommand({}))).items ?? [],
          tables: (await dynamodb.send(new ListTablesCommand({}))).TableNames ?? [],
          functions: (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [],
          roles: roles.filter((r) => r.RoleName?.startsWith(STACK) || r.RoleName?.startsWith('apigateway-cloudwatch-')),
          logGroups: (await logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? [],
          distributions: (await cloudfront.send(new ListDistributionsCommand({}))).DistributionList?.Items ?? [],
        }).toEqual({ restApis: [], usagePlans: [], apiKeys: [], tables: [], functions: [], roles: [], logGroups: [], distributions: [] });
      },
      APPLY_TIMEOUT_MS,
    );
  });

  function resourceAt(path: string): Resource {
    return only(resources, (r) => r.path === path);
  }

  async function validatorsById(): Promise<Map<string, string | undefined>> {
    const { items = [] } = await clients.apigateway.send(new GetRequestValidatorsCommand({ restApiId: api.id }));
    return new Map(items.map((v) => [v.id!, v.name]));
  }
});

/** `/users/{id}` → `/users`, `/users/{id}`. */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter(Boolean);
  return parts.map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
}
