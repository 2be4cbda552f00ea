/**
 * Who may call, deployed: the fixture API with a Cognito pool, a Lambda authorizer and IAM routes
 * (test/fixtures/example-api/auth.ts) applied to a private moto_server by `deploy()`, read back with the AWS SDK,
 * applied again without a change, and destroyed without a trace.
 *
 * Skipped, with the reason, without terraform + the provider mirror or moto_server; PORTICO_REQUIRE_TOOLS=1 fails
 * instead. moto cannot invoke Lambda, so no request is authorized here (the local gateway's tests do that).
 */
import { GetAuthorizersCommand, GetMethodCommand, GetResourcesCommand, GetRestApisCommand, type Authorizer, type Resource, type RestApi } from '@aws-sdk/client-api-gateway';
import {
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListGroupsCommand,
  ListUserPoolsCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { GetRolePolicyCommand, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionConfigurationCommand, GetPolicyCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { routeAuth } from '@portico/http';
import { stackName, stageOf } from '../src/api';
import { deploy, type DeployResult } from '../src/deploy';
import { AUTH_API, AUTH_ROUTES, PARTNER_CODE } from './fixtures/example-api/auth';
import { tempArtifact } from './support/artifact';
import { awsClients, only, policyDocument, primePluginCache } from './support/aws-readback';
import { startMoto, type MotoServer } from './support/moto';
import { PLUGIN_CACHE_ENV, motoAvailable, motoProblem, requireTool, terraformAvailable, terraformProblem } from './support/tools';

const STAGE = 'dev';
const STACK = stackName(AUTH_API.config, STAGE);
const config = stageOf(AUTH_API.config, STAGE);
const APPLY_TIMEOUT_MS = 5 * 60_000;

const runs =
  requireTool('terraform', terraformAvailable(), terraformProblem() ?? '') &&
  requireTool('moto_server', motoAvailable(), motoProblem() ?? '');

(runs ? describe : describe.skip)(`${STACK} with authorizers, applied to the moto emulator`, () => {
  let moto: MotoServer | undefined;
  let workDir: string;
  let env: NodeJS.ProcessEnv;
  let applied: DeployResult;
  let clients: ReturnType<typeof awsClients>;
  let artifact: ReturnType<typeof tempArtifact>;
  let api: RestApi;
  let resources: Resource[];
  let authorizers: Authorizer[];
  const log: string[] = [];
  const run = (destroy = false) =>
    deploy({ api: AUTH_API, stage: STAGE, env, destroy, cliConfigDir: join(workDir, 'terraform-cli'), log: (line) => log.push(line) });

  beforeAll(async () => {
    moto = await startMoto();
    workDir = mkdtempSync(join(tmpdir(), 'portico-emulator-auth-'));
    artifact = tempArtifact(undefined, { partner: PARTNER_CODE });
    env = {
      ...process.env,
      AWS_ENDPOINT_URL: moto.endpoint,
      PORTICO_CDKTF_OUT: join(workDir, 'cdktf.out'),
      PORTICO_STATE_DIR: join(workDir, 'state'),
      PORTICO_LAMBDA_META: artifact.metaPath,
      ...PLUGIN_CACHE_ENV,
    };
    await primePluginCache(workDir);
    clients = awsClients(moto.endpoint, config.region);
    applied = await run();
    api = only((await clients.apigateway.send(new GetRestApisCommand({ limit: 500 }))).items, (a) => a.name === STACK);
    resources = (await clients.apigateway.send(new GetResourcesCommand({ restApiId: api.id, limit: 500 }))).items ?? [];
    authorizers = (await clients.apigateway.send(new GetAuthorizersCommand({ restApiId: api.id }))).items ?? [];
  }, APPLY_TIMEOUT_MS);

  afterAll(async () => {
    await moto?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
    if (artifact) rmSync(dirname(dirname(artifact.metaPath)), { recursive: true, force: true });
    if (applied) console.log([...log, `${STACK} (auth) on moto: ${applied.resources.added} resources in ${(applied.timings.applyMs / 1000).toFixed(1)} s`].join('\n'));
  });

  it('creates the pool, its client and group, the authorizers and the caller role, and names them in its outputs', () => {
    expect(applied.resources).toMatchObject({ changed: 0, destroyed: 0 });
    expect(Object.keys(applied.outputs)).toEqual(
      expect.arrayContaining(['cognito_user_pool_arn', 'cognito_user_pool_id', 'cognito_client_id', 'iam_caller_role_arn']),
    );
  });

  it('gives every method the authorization its route declares', async () => {
    const cognito = only(authorizers, (a) => a.type === 'COGNITO_USER_POOLS');
    const partner = only(authorizers, (a) => a.name === 'partner');
    for (const route of AUTH_ROUTES) {
      const resource = only(resources, (r) => r.path === route.path);
      const method = await clients.apigateway.send(new GetMethodCommand({ restApiId: api.id, resourceId: resource.id, httpMethod: route.method }));
      const auth = routeAuth(route);
      const where = `${route.method} ${route.path}`;
      if (auth.kind === 'none') expect([where, method.authorizationType]).toEqual([where, 'NONE']);
      else if (auth.kind === 'iam') expect([where, method.authorizationType]).toEqual([where, 'AWS_IAM']);
      else if (auth.kind === 'lambda') expect([where, method.authorizationType, method.authorizerId]).toEqual([where, 'CUSTOM', partner.id]);
      else {
        expect([where, method.authorizationType, method.authorizerId]).toEqual([where, 'COGNITO_USER_POOLS', cognito.id]);
        expect(method.authorizationScopes ?? []).toEqual(auth.scopes);
      }
    }
  });

  it('checks Cognito tokens in Authorization against the stage pool, which has the group, client and scopes', async () => {
    const poolId = String(applied.outputs.cognito_user_pool_id);
    const { UserPool } = await clients.cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(UserPool?.Name).toBe(`${STACK}-users`);
    expect(only(authorizers, (a) => a.type === 'COGNITO_USER_POOLS')).toMatchObject({
      identitySource: 'method.request.header.Authorization',
      providerARNs: [UserPool!.Arn],
    });
    const groups = (await clients.cognito.send(new ListGroupsCommand({ UserPoolId: poolId }))).Groups ?? [];
    expect(groups.map((g) => g.GroupName)).toEqual(['admin']);
    const { UserPoolClient } = await clients.cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: String(applied.outputs.cognito_client_id) }),
    );
    expect(UserPoolClient?.ClientSecret).toBeUndefined();
    expect([...(UserPoolClient?.ExplicitAuthFlows ?? [])].sort()).toEqual(['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH']);
    // moto cannot delete a resource server, so the emulator stack leaves it out and says so (the stack test pins it).
    expect(applied.omitted).toContain('aws_cognito_resource_server');
    await expect(clients.cognito.send(new DescribeResourceServerCommand({ UserPoolId: poolId, Identifier: 'example-api' }))).rejects.toThrow();
  });

  it('runs the partner authorizer on its own function, which only this authorizer of this API may invoke', async () => {
    const name = `${STACK}-partner-authorizer`;
    const partner = only(authorizers, (a) => a.name === 'partner');
    const fn = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    expect(fn).toMatchObject({ Runtime: 'nodejs22.x', CodeSha256: artifact.authorizers!.partner!.sourceCodeHash });
    expect(fn.Environment?.Variables).toEqual({ USERS_TABLE: `${STACK}-users` });
    expect(partner).toMatchObject({ type: 'REQUEST', identitySource: 'method.request.header.X-Partner-Token', authorizerResultTtlInSeconds: 60 });
    expect(partner.authorizerUri).toContain(fn.FunctionArn);
    const { Policy } = await clients.lambda.send(new GetPolicyCommand({ FunctionName: name }));
    const [statement] = policyDocument(Policy).Statement as { Principal: unknown; Condition: { ArnLike: Record<string, string> } }[];
    expect(statement!.Principal).toEqual({ Service: 'apigateway.amazonaws.com' });
    expect(statement!.Condition.ArnLike['AWS:SourceArn']).toMatch(new RegExp(`:${api.id}/authorizers/${partner.id}$`));
  });

  it("lets the IAM caller role invoke exactly the IAM routes of this stage", async () => {
    const roleName = String(applied.outputs.iam_caller_role_arn).split('/').pop()!;
    const { PolicyNames = [] } = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    expect(PolicyNames).toEqual(['invoke-iam-routes']);
    const { PolicyDocument } = await clients.iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: PolicyNames[0] }));
    const resourcesAllowed = policyDocument(PolicyDocument).Statement[0]!.Resource as string[];
    expect(resourcesAllowed.map((arn) => arn.split(`:${api.id}/`)[1])).toEqual([`${STAGE}/GET/internal/stats`, `${STAGE}/DELETE/internal/cache/*`]);
  });

  it(
    'changes nothing when applied again',
    async () => {
      const again = await run();
      expect(again.resources).toEqual({ added: 0, changed: 0, destroyed: 0 });
    },
    APPLY_TIMEOUT_MS,
  );

  it(
    'destroys every pool, function and role it created',
    async () => {
      const destroyed = await run(true);
      expect(destroyed.resources).toEqual({ added: 0, changed: 0, destroyed: applied.resources.added });
      const { cognito, lambda, iam } = clients;
      expect({
        pools: (await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }))).UserPools ?? [],
        functions: (await lambda.send(new ListFunctionsCommand({}))).Functions ?? [],
        roles: ((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName?.startsWith(STACK)),
      }).toEqual({ pools: [], functions: [], roles: [] });
    },
    APPLY_TIMEOUT_MS,
  );
});
