/**
 * The gateway summary, read from real plans that terraform makes here from synthesized stacks:
 *
 * - a first plan, offline and without AWS credentials (the way a PR is planned before any deploy): everything added;
 * - a change plan: configuration A applied to a local AWS emulator (moto_server) to get a real state, then
 *   configuration B planned against it — a route added, a route removed, a route changed, a usage plan's quota and a
 *   route's cache TTL changed — and the summary must list exactly those.
 *
 * Terraform (with the provider mirror in TF_PLUGIN_MIRROR) and moto_server are needed; without them the tests skip
 * with the reason, or fail when PORTICO_REQUIRE_TOOLS=1.
 */
import { defineRoute, type RouteSpec } from '@portico/http';
import { App } from 'cdktf';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { stageOf, type StageConfig } from '../src/api';
import { summarizePlan, type PlanSummary } from '../src/plan/analyze';
import type { PlanJson } from '../src/plan/plan-json';
import { PLAN_FILES, planStack, readPlanJson, type StackPlanResult } from '../src/plan/run';
import { renderSummary } from '../src/plan/summary';
import { ApiStack } from '../src/stacks/api-stack';
import { EXAMPLE } from './support/stack-json';
import type { DeployTarget } from '../src/target';
import { terraformOk } from '../src/terraform';
import { tempArtifact } from './support/artifact';
import { AUTH, PARTNER_CODE, withAuth } from './fixtures/example-api/auth';
import { startMoto, type MotoServer } from './support/moto';
import { motoProblem, requireTool, terraformInit, terraformProblem, terraformTestEnv } from './support/tools';

// An apply on the emulator plus two plans: about a minute on a small CI machine.
jest.setTimeout(300_000);

const terraformMissing = terraformProblem();
const withTerraform = requireTool('terraform', terraformMissing === undefined, terraformMissing ?? '');
const motoMissing = withTerraform ? motoProblem() : undefined;
const withMoto = withTerraform && requireTool('moto_server', motoMissing === undefined, motoMissing ?? '');

const STACK = 'example-api-dev';

// ─── Two versions of a small route table ────────────────────────────────────────────────────────────────────────

const hello = defineRoute({ method: 'GET', path: '/hello', operationId: 'hello' });
const legacy = defineRoute({ method: 'GET', path: '/legacy', operationId: 'legacy' });
const health = defineRoute({ method: 'GET', path: '/health', operationId: 'health' });
const search = defineRoute({
  method: 'GET',
  path: '/search',
  operationId: 'searchUsers',
  query: v.object({ q: v.string(), limit: v.optional(v.string()) }),
  cache: { keyParameters: ['q', 'limit'] },
});
const createUser = defineRoute({
  method: 'POST',
  path: '/users',
  operationId: 'createUser',
  body: v.strictObject({ name: v.string() }),
  apiKeyRequired: true,
});
const getUser = defineRoute({ method: 'GET', path: '/users/{id}', operationId: 'getUser' });

/** A: creating a user needs a Cognito access token with a scope and an API key; reading one, the partner authorizer. */
const ROUTES_A: readonly RouteSpec[] = [
  hello,
  withAuth(legacy, 'iam'),
  search,
  withAuth(createUser, { cognito: { scopes: ['example-api/users.write'] } }),
  withAuth(getUser, { lambda: 'partner' }),
];
/**
 * A without `/legacy`, with `/health`, and `/search` cached for 120 s; `POST /users` without its scope or API key
 * (any signed-in user), `GET /users/{id}` behind an API key but public: both let more callers in.
 */
const ROUTES_B: readonly RouteSpec[] = [
  hello,
  health,
  { ...search, cache: { keyParameters: ['q', 'limit'], ttlSeconds: 120 } },
  withAuth({ ...createUser, apiKeyRequired: false }, { cognito: {} }),
  { ...getUser, apiKeyRequired: true },
];
const CONFIG_A: StageConfig = stageOf(EXAMPLE, 'dev');
const CONFIG_B: StageConfig = {
  ...CONFIG_A,
  usagePlans: { ...CONFIG_A.usagePlans, basic: { ...CONFIG_A.usagePlans.basic!, quotaLimit: 2_000 } },
};

/** The routes of a table as the summary names them (`GET /hello`); CORS preflights are listed apart. */
function routeNamesOf(routes: readonly RouteSpec[]): string[] {
  return routes.map((r) => `${r.method} ${r.path}`).sort();
}

/** The resource paths of a table: one CORS preflight (`OPTIONS`, answered by the gateway) each. */
function pathsOf(routes: readonly RouteSpec[]): string[] {
  return [...new Set(routes.map((r) => r.path))].sort();
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────────────────

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}

/** Synthesizes the dev stack with the given routes and config into `<outdir>/stacks/example-api-dev`. */
function synthStack(outdir: string, options: { routes: readonly RouteSpec[]; config: StageConfig; target: DeployTarget }): string {
  const app = new App({ outdir });
  const stackDir = join(outdir, 'stacks', STACK);
  const artifact = tempArtifact(undefined, { partner: PARTNER_CODE });
  new ApiStack(app, STACK, { api: { ...EXAMPLE, auth: AUTH, routes: options.routes }, stage: options.config, target: options.target, artifact, stackDir });
  app.synth();
  return stackDir;
}

/** The environment of a machine without AWS credentials (a PR plan before anyone wired the repo to AWS). */
function withoutAwsCredentials(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const key of Object.keys(out)) if (/^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|WEB_IDENTITY|CONTAINER|EC2|ENDPOINT)/.test(key)) delete out[key];
  return out;
}

/** Terraform's own count line from `terraform show`, e.g. `{ add: 63, change: 0, destroy: 0 }`. */
function terraformCounts(planText: string): { add: number; change: number; destroy: number } {
  const match = /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/.exec(planText);
  if (!match) throw new Error(`no "Plan:" line in:\n${planText.slice(-2_000)}`);
  return { add: Number(match[1]), change: Number(match[2]), destroy: Number(match[3]) };
}

function expectPlanFiles(result: StackPlanResult): { plan: PlanJson; text: string; markdown: string } {
  expect(result).toMatchObject({ ok: true });
  expect(result.error).toBeUndefined();
  expect(result.summaryError).toBeUndefined();
  for (const name of Object.values(PLAN_FILES)) expect(existsSync(join(result.outDir, name))).toBe(true);
  return {
    plan: readPlanJson(result.outDir),
    text: readFileSync(join(result.outDir, PLAN_FILES.text), 'utf8'),
    markdown: readFileSync(join(result.outDir, PLAN_FILES.summary), 'utf8'),
  };
}

/** A number as the summary writes it. */
const n = (value: number): string => value.toLocaleString('en-US');

const routeNames = (routes: readonly { route: string }[]): string[] => routes.map((r) => r.route).sort();

// ─── First plan: offline, no credentials, no state ──────────────────────────────────────────────────────────────

(withTerraform ? describe : describe.skip)('summary of a first plan (offline, no AWS credentials)', () => {
  let result: StackPlanResult;
  let plan: PlanJson;
  let text: string;
  let markdown: string;
  let summary: PlanSummary;

  beforeAll(async () => {
    // Arrange: the stack as a credential-less machine synthesizes it (offline provider settings, local state).
    const outdir = tempDir('portico-plan-first-');
    const target: DeployTarget = { offline: true, backend: { kind: 'local', dir: join(outdir, 'state') } };
    const dir = synthStack(outdir, { routes: ROUTES_A, config: CONFIG_A, target });
    const env = terraformTestEnv(target, withoutAwsCredentials(process.env));
    const init = await terraformInit(dir, env, { backend: true });
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);

    // Act
    result = await planStack({ stack: STACK, dir, outDir: join(outdir, 'plans', STACK), env, init: false, refresh: false });
    ({ plan, text, markdown } = expectPlanFiles(result));
    summary = summarizePlan(plan);
  });

  it('writes the four plan files, the summary being the rendering of plan.json', () => {
    expect(markdown).toBe(renderSummary(summary));
    expect(markdown.startsWith('#### API Gateway changes\n')).toBe(true);
  });

  it('counts as terraform does: everything is added', () => {
    expect(summary.totals).toEqual({ ...terraformCounts(text), replace: 0 });
    expect(summary.totals.add).toBe(result.resources);
    expect(markdown).toContain(`**Plan:** ${result.resources} to add, 0 to change, 0 to destroy.`);
  });

  it('lists every route as added, with paths rebuilt from ids unknown until apply', () => {
    expect(routeNames(summary.routes.added)).toEqual(routeNamesOf(ROUTES_A));
    expect(summary.routes).toMatchObject({ removed: [], changed: [], unchanged: 0 });
    expect(summary.preflights.added.map((r) => r.path)).toEqual(pathsOf(ROUTES_A));
    expect([...summary.paths.added].sort()).toEqual(['/hello', '/legacy', '/search', '/users', '/users/{id}']);
  });

  it('shows what the gateway checks before the function runs', () => {
    const route = (name: string) => summary.routes.added.find((r) => r.route === name);
    expect(route('POST /users')).toMatchObject({ apiKeyRequired: true, validator: 'body-and-parameters', models: ['CreateUserBody'] });
    expect(route('GET /search')).toMatchObject({ apiKeyRequired: false, validator: 'parameters', cacheKeys: ['header Origin', 'limit', 'q'] });
    expect(route('GET /search')!.parameters).toEqual(['header Origin', 'limit', 'q (required)']);
    expect(route('GET /users/{id}')).toMatchObject({ apiKeyRequired: false, validator: undefined, cacheKeys: [] });
    expect(markdown).toContain('| `+` | `POST /users` | `Cognito (example-api/users.write)` | yes | `body-and-parameters` | `CreateUserBody` | — |');
    expect(markdown).toContain('| `+` | `GET /search` | `none` | no | `parameters` | — | `header Origin`, `limit`, `q` |');
  });

  it("shows who may call each route: none, IAM, Cognito with its scopes, the Lambda authorizer by name", () => {
    expect(Object.fromEntries(summary.routes.added.map((r) => [r.route, r.auth]))).toEqual({
      'GET /hello': 'none',
      'GET /legacy': 'IAM',
      'GET /search': 'none',
      'POST /users': 'Cognito (example-api/users.write)',
      'GET /users/{id}': 'Lambda partner',
    });
    expect(markdown).toContain('| `+` | `GET /users/{id}` | `Lambda partner` | no | — | — | — |');
    // A first plan takes nothing away from anyone.
    expect(summary.accessLost).toEqual([]);
    expect(markdown).not.toContain('[!CAUTION]');
  });

  it('lists validators, the model, API keys and usage plans with their limits', () => {
    expect(summary.validators.map((v) => [v.kind, v.name])).toEqual([
      ['create', 'body-and-parameters'],
      ['create', 'parameters'],
    ]);
    expect(summary.models).toEqual([
      expect.objectContaining({ kind: 'create', name: 'CreateUserBody', details: ['application/json', 'properties `name`', 'required `name`', 'used by `POST /users`'] }),
    ]);
    expect(summary.apiKeys.map((k) => [k.kind, k.name, ...k.details])).toEqual([
      ['create', 'example-api-dev-basic', 'enabled', 'joins usage plan `example-api-dev-basic`'],
      ['create', 'example-api-dev-partner', 'enabled', 'joins usage plan `example-api-dev-partner`'],
    ]);
    const { basic, partner } = CONFIG_A.usagePlans;
    expect(summary.usagePlans.map((p) => [p.name, ...p.details])).toEqual([
      ['example-api-dev-basic', `throttle ${n(basic!.rateLimit)} req/s, burst ${n(basic!.burstLimit)}`, `quota ${n(basic!.quotaLimit)} per ${basic!.quotaPeriod}`, 'stages `dev`'],
      ['example-api-dev-partner', `throttle ${n(partner!.rateLimit)} req/s, burst ${n(partner!.burstLimit)}`, `quota ${n(partner!.quotaLimit)} per ${partner!.quotaPeriod}`, 'stages `dev`'],
    ]);
  });

  it('shows the new stage: first deployment, cache cluster, method settings and cache keys', () => {
    expect(summary.stages).toHaveLength(1);
    const [stage] = summary.stages;
    expect(stage).toMatchObject({ name: 'dev', kind: 'create', redeploy: { will: true }, cacheCluster: `${CONFIG_A.cache.clusterSize} GB` });
    const { rateLimit, burstLimit } = CONFIG_A.throttle;
    expect(stage!.methodSettings.map((s) => [s.name, ...s.details])).toEqual([
      ['all methods', 'caching off', `throttle ${n(rateLimit)} req/s, burst ${n(burstLimit)}`, 'metrics on'],
      ['GET /search', `caching on, TTL ${CONFIG_A.cache.ttlSeconds} s, encrypted`, `throttle ${n(rateLimit)} req/s, burst ${n(burstLimit)}`, 'metrics on'],
    ]);
    expect(stage!.cacheKeys).toEqual([{ label: 'GET /search', before: '', after: '`header Origin`, `limit`, `q`' }]);
    expect(markdown).toContain('  - `GET /search`: `header Origin`, `limit`, `q`\n');
    expect(markdown).toContain('##### Stage `dev` (new)');
  });

  it('groups the rest by type, each resource change placed once', () => {
    const types = summary.other.map((g) => g.type);
    expect(types).toEqual(expect.arrayContaining(['aws_lambda_function', 'aws_dynamodb_table', 'aws_cloudfront_distribution', 'aws_iam_role']));
    expect(summary.otherGateway.map((g) => g.type)).toEqual(['aws_api_gateway_account', 'aws_api_gateway_authorizer', 'aws_api_gateway_gateway_response', 'aws_api_gateway_rest_api']);
    // Every resource of the plan shows up in the summary's data under exactly one heading (routes count their parts,
    // an API key its usage-plan assignment).
    const items = (list: readonly { merged?: readonly string[] }[]) => list.reduce((n, i) => n + 1 + (i.merged?.length ?? 0), 0);
    const placed =
      [...summary.other, ...summary.otherGateway].reduce((n, g) => n + items(g.items), 0) +
      items(summary.validators) +
      items(summary.models) +
      items(summary.apiKeys) +
      items(summary.usagePlans) +
      summary.stages.reduce((n, s) => n + 1 + s.methodSettings.length, 0) +
      summary.paths.added.length +
      [...summary.routes.added, ...summary.preflights.added].reduce((n, r) => n + r.addresses.length, 0) +
      1; // the deployment, shown as the stage's redeploy
    expect(placed).toBe(result.resources);
  });
});

// ─── Change plan: B against the state of A applied on the emulator ─────────────────────────────────────────────

(withMoto ? describe : describe.skip)('summary of a change plan (state applied on moto_server)', () => {
  let moto: MotoServer | undefined;
  let result: StackPlanResult;
  let text: string;
  let markdown: string;
  let summary: PlanSummary;
  let statePath: string;

  beforeAll(async () => {
    // Arrange: A applied to the emulator, so the state is what terraform itself recorded; then B synthesized over it.
    moto = await startMoto();
    const outdir = tempDir('portico-plan-change-');
    const target: DeployTarget = { endpoint: moto.endpoint, backend: { kind: 'local', dir: join(outdir, 'state') } };
    statePath = join(outdir, 'state', `${STACK}.emulator.tfstate`);
    const dir = synthStack(outdir, { routes: ROUTES_A, config: CONFIG_A, target });
    const env = terraformTestEnv(target, withoutAwsCredentials(process.env));
    const init = await terraformInit(dir, env, { backend: true });
    if (init.code !== 0) throw new Error(`terraform init failed:\n${init.stderr}`);
    await terraformOk(['apply', '-auto-approve', '-input=false', '-no-color'], { cwd: dir, env });
    synthStack(outdir, { routes: ROUTES_B, config: CONFIG_B, target });

    // Act. Without refresh: the emulator does not echo some attributes back (an integration's cache keys), which a
    // refresh would report as drift that AWS never shows. The recorded state is what the plan compares against.
    result = await planStack({ stack: STACK, dir, outDir: join(outdir, 'plans', STACK), env, init: false, refresh: false });
    ({ text, markdown } = expectPlanFiles(result));
    summary = summarizePlan(readPlanJson(result.outDir));
  });

  afterAll(async () => {
    await moto?.stop();
  });

  it('counts as terraform does, the redeploy being a replacement', () => {
    expect(summary.totals).toEqual({ ...terraformCounts(text), replace: 1 });
  });

  it('lists exactly the added, removed and changed routes', () => {
    expect(routeNames(summary.routes.added)).toEqual(['GET /health']);
    expect(routeNames(summary.routes.removed)).toEqual(['GET /legacy']);
    expect(summary.preflights).toMatchObject({ changed: [], unchanged: pathsOf(ROUTES_A).length - 1 });
    expect(summary.preflights.added.map((r) => r.path)).toEqual(['/health']);
    expect(summary.preflights.removed.map((r) => r.path)).toEqual(['/legacy']);
    expect(summary.routes.changed.map((c) => [c.after.route, c.facets, c.notes])).toEqual([
      [
        'POST /users',
        [
          { label: 'API key', before: 'yes', after: 'no' },
          { label: 'auth', before: '`Cognito (example-api/users.write)`', after: '`Cognito`' },
        ],
        [],
      ],
      [
        'GET /users/{id}',
        [
          { label: 'API key', before: 'no', after: 'yes' },
          { label: 'auth', before: '`Lambda partner`', after: '`none`' },
        ],
        [],
      ],
    ]);
    expect(summary.routes.unchanged).toBe(ROUTES_A.length - 1 - 2);
    expect(summary.paths).toEqual({ added: ['/health'], removed: ['/legacy'] });
    expect(markdown).toContain('##### Routes: 1 added, 1 removed, 2 changed, 2 unchanged');
    expect(markdown).toContain('CORS preflights (`OPTIONS`, answered by the gateway): `+` `/health`, `-` `/legacy`; 4 unchanged');
    expect(markdown).toContain('| `~` | `GET /users/{id}` | `Lambda partner` → **`none`** | no → **yes** | — | — | — | — |');
    expect(markdown).toContain('| `-` | `GET /legacy` | `IAM` | no | — | — | — |');
  });

  it('flags, above everything, each route that lets more callers in: lost auth, a dropped scope, a dropped API key', () => {
    expect(summary.accessLost).toEqual([
      { route: 'POST /users', what: 'scope example-api/users.write' },
      { route: 'POST /users', what: 'API key' },
      { route: 'GET /users/{id}', what: 'auth (was Lambda partner)' },
    ]);
    // The removed IAM route is not listed: nobody can call it any more.
    const caution = [
      '> [!CAUTION]',
      '> These routes let more callers in after this change:',
      '> - `POST /users` no longer requires scope example-api/users.write',
      '> - `POST /users` no longer requires API key',
      '> - `GET /users/{id}` no longer requires auth (was Lambda partner)',
    ].join('\n');
    expect(markdown).toContain(caution);
    expect(markdown.indexOf('[!CAUTION]')).toBeLessThan(markdown.indexOf('##### Routes'));
  });

  it("shows the usage plan's quota before → after, and nothing else about plans and keys", () => {
    expect(summary.usagePlans).toEqual([
      expect.objectContaining({ kind: 'update', name: 'example-api-dev-basic', details: ['quota 1,000 → 2,000 per DAY'] }),
    ]);
    expect(summary.apiKeys).toEqual([]);
    expect(summary.validators).toEqual([]);
    expect(summary.models).toEqual([]);
    expect(markdown).toContain('- `~` `example-api-dev-basic`: quota 1,000 → 2,000 per DAY');
  });

  it("shows the stage redeploying because the deployment's triggers changed, and the cache TTL change", () => {
    expect(summary.stages).toHaveLength(1);
    const [stage] = summary.stages;
    expect(stage).toMatchObject({ name: 'dev', kind: 'update', redeploy: { will: true }, cacheKeys: [], details: [] });
    expect(stage!.redeploy.reason).toContain('triggers');
    expect(stage!.cacheCluster).toBeUndefined();
    expect(stage!.methodSettings).toEqual([
      expect.objectContaining({ kind: 'update', name: 'GET /search', details: [`cache TTL ${CONFIG_A.cache.ttlSeconds} s → 120 s`] }),
    ]);
    expect(summary.undeployedDefinitionChange).toBe(false);
    expect(markdown).toContain('- **Redeploy:** yes, the API definition changed');
    expect(markdown).toContain('  - `~` `GET /search`: cache TTL 60 s → 120 s');
  });

  it('leaves the rest of the gateway alone; outside it, only what the emulator recorded differently', () => {
    expect(summary.otherGateway).toEqual([]);
    // moto answers CloudFront's viewer certificate with a value the configuration does not set; AWS does not. The
    // IAM caller role goes with the last IAM route.
    const other = summary.other.map((g) => [g.type, g.items.map((i) => i.kind)]);
    expect(other.filter(([type]) => type !== 'aws_cloudfront_distribution')).toEqual([
      ['aws_iam_role', ['delete']],
      ['aws_iam_role_policy', ['delete']],
    ]);
    for (const [, kinds] of other.filter(([type]) => type === 'aws_cloudfront_distribution')) expect(kinds).toEqual(['update']);
  });

  it('never prints an API key value', () => {
    const state = JSON.parse(readFileSync(statePath, 'utf8')) as { resources: { type: string; instances: { attributes: { value?: string } }[] }[] };
    const values = state.resources
      .filter((r) => r.type === 'aws_api_gateway_api_key')
      .flatMap((r) => r.instances.map((i) => i.attributes.value))
      .filter((v): v is string => Boolean(v));
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(markdown).not.toContain(value);
  });
});
