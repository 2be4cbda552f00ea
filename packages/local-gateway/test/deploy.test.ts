/**
 * A new deployment of the stack to a running stage (what `pnpm dev` does when a route table changes): the same port
 * and connections serve it, requests under way finish on the deployment they started on, and a stack that does not
 * load changes nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackFile } from '../src/index';
import { FIXED_KEY, FIXTURES, FUNCTION_OVERRIDES, writeTestStack, type TestStack } from './fixtures/test-stack';
import { request, startTestGateway, type Harness } from './helpers';
import { open, send } from './raw-http';

type Json = Record<string, any>;

/** The test stack with one more route, `GET /added`, on the echo function. */
function withAddedRoute(json: Json): void {
  const apiId = '${aws_api_gateway_rest_api.api_restapi_A1B2.id}';
  const { resource } = json;
  resource.aws_api_gateway_resource.added = { rest_api_id: apiId, parent_id: '${aws_api_gateway_rest_api.api_restapi_A1B2.root_resource_id}', path_part: 'added' };
  const at = { rest_api_id: apiId, resource_id: '${aws_api_gateway_resource.added.id}' };
  resource.aws_api_gateway_method.added_get = { ...at, http_method: 'GET', authorization: 'NONE' };
  resource.aws_api_gateway_integration.added_get = {
    ...at,
    http_method: '${aws_api_gateway_method.added_get.http_method}',
    integration_http_method: 'POST',
    type: 'AWS_PROXY',
    uri: '${aws_lambda_function.echo_fn.invoke_arn}',
  };
}

/** A GET on a kept-alive connection. */
const get = (path: string) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`;

function deleteRoute(json: Json, method: string): void {
  delete json.resource.aws_api_gateway_method[method];
  delete json.resource.aws_api_gateway_integration[method];
}

describe('deploying a new version of the stack to a running stage', () => {
  let h: Harness;
  let dir: string;
  const stacks: TestStack[] = [];
  const stackWith = (mutate?: (json: Json) => void) => {
    const stack = writeTestStack(mutate);
    stacks.push(stack);
    return loadStackFile(stack.file);
  };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portico-deploy-'));
    h = await startTestGateway();
  });
  afterEach(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
    for (const stack of stacks.splice(0)) rmSync(stack.dir, { recursive: true, force: true });
  });

  it('serves the new routes on the same port and the same kept-alive connection', async () => {
    // Arrange
    const conn = open(h.url);
    const before = await send(conn, get('/test/added'));
    // Act
    await h.gateway.deploy(stackWith(withAddedRoute));
    const after = await send(conn, get('/test/added'));
    const echo = await send(conn, get('/test/echo'));
    conn.socket.destroy();
    // Assert
    expect(before?.status).toBe(403);
    expect(after?.status).toBe(200);
    expect(JSON.parse(after?.body ?? '{}').event).toMatchObject({ resource: '/added', path: '/added' });
    expect(echo?.status).toBe(200);
    expect(h.logs).toContainEqual(expect.stringMatching(/^portico-gateway: new deployment of portico-test-api on stage "test" at http:\/\/127\.0\.0\.1:\d+\/test$/));
  });

  it('lets a request under way finish on the deployment it started on, though the new one drops its route', async () => {
    // Arrange: a request held inside its function (released by a file, never by a timer) when the deployment lands
    await h.close();
    h = await startTestGateway({ functions: { ...FUNCTION_OVERRIDES, 'portico-slow': join(FIXTURES, 'blocking.mjs') } });
    const release = join(dir, 'release');
    const held = request(`${h.url}/slow?wait=${encodeURIComponent(release)}`);
    while (!h.functionOutput.join('').includes('waiting on')) await new Promise((resolve) => setTimeout(resolve, 10));
    // Act
    await h.gateway.deploy(stackWith((json) => deleteRoute(json, 'slow_get')));
    const afterwards = await request(`${h.url}/slow`);
    writeFileSync(release, '');
    const answer = await held;
    // Assert
    expect(answer).toMatchObject({ status: 200, text: 'released' });
    expect(afterwards.status).toBe(403);
  });

  it('keeps serving the current deployment when the new stack lacks the stage', async () => {
    // Arrange
    const other = stackWith((json) => {
      for (const stage of Object.values(json.resource.aws_api_gateway_stage as Record<string, Json>)) stage.stage_name = 'elsewhere';
    });
    // Act
    const deployed = h.gateway.deploy(other);
    // Assert
    await expect(deployed).rejects.toThrow(/stage "test"/);
    expect((await request(`${h.url}/echo`)).status).toBe(200);
  });

  it('forgets the options of a deployment that failed', async () => {
    // Arrange: a deployment whose function code names a function the stack does not have
    const failed = h.gateway.deploy(stackWith(), { functions: { 'no-such-function': join(FIXTURES, 'blocking.mjs') } });
    await expect(failed).rejects.toThrow(/no-such-function/);
    // Act
    await h.gateway.deploy(stackWith(withAddedRoute));
    // Assert
    expect((await request(`${h.url}/added`)).status).toBe(200);
  });

  it('keeps a key’s usage-plan quota and throttle across deployments, as they belong to the plan', async () => {
    // Arrange: the fixed key's plan allows a burst of 2 and 5 a day; use 2, and let the bucket refill
    const withKey = { headers: { 'x-api-key': FIXED_KEY } };
    const used = [await request(`${h.url}/secure`, withKey), await request(`${h.url}/secure`, withKey)].map((r) => r.status);
    // Act
    await h.gateway.deploy(stackWith(withAddedRoute));
    const burst = (await request(`${h.url}/secure`, withKey)).status;
    h.clock.advance(2_000);
    const rest = [];
    for (let i = 0; i < 4; i++) {
      rest.push((await request(`${h.url}/secure`, withKey)).status);
      h.clock.advance(2_000);
    }
    // Assert: no token left right after the deployment (a fresh bucket would allow 2), and the day's quota of 5 runs
    // out after 2 + 3 more (the throttled request counts for nothing)
    expect(used).toEqual([200, 200]);
    expect(burst).toBe(429);
    expect(rest).toEqual([200, 200, 200, 429]);
  });

  it('starts a plan’s counters afresh when the new deployment changes its limits', async () => {
    // Arrange
    const withKey = { headers: { 'x-api-key': FIXED_KEY } };
    await request(`${h.url}/secure`, withKey);
    await request(`${h.url}/secure`, withKey);
    // Act
    await h.gateway.deploy(
      stackWith((json) => {
        json.resource.aws_api_gateway_usage_plan.small.throttle_settings = { rate_limit: 1, burst_limit: 3 };
      }),
    );
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await request(`${h.url}/secure`, withKey)).status);
    // Assert
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('takes the new deployment’s API keys', async () => {
    // Arrange
    const keys = (g: typeof h.gateway) => g.apiKeys.map((k) => k.name).sort();
    const before = keys(h.gateway);
    // Act
    await h.gateway.deploy(
      stackWith((json) => {
        for (const key of Object.values(json.resource.aws_api_gateway_api_key as Record<string, Json>)) key.name = `${key.name}-renamed`;
      }),
    );
    // Assert
    expect(before.length).toBeGreaterThan(0);
    expect(keys(h.gateway)).toEqual(before.map((name) => `${name}-renamed`).sort());
  });
});
