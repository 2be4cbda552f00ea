/**
 * Reads a plan at API Gateway level: which routes appear, disappear or change, and what happens to validators,
 * models, API keys, usage plans and each stage (redeploy, cache). Pure: plan JSON in, plain data out; `summary.ts`
 * renders it.
 *
 * Every resource change of the plan lands in exactly one place: a gateway section when the summary understands its
 * type, otherwise "other API Gateway resources" or "other resources", grouped by type. Nothing is dropped silently.
 */
import {
  changeKind,
  marks,
  PlanIndex,
  SENSITIVE,
  UNKNOWN,
  valueAt,
  type ChangeKind,
  type Node,
  type PlanJson,
  type ResourceChange,
  type Side,
  type Value,
} from './plan-json';

/** Counts as terraform prints them: a replacement is one add and one destroy. */
export interface PlanTotals {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
  /** How many of the adds and destroys are replacements. */
  readonly replace: number;
}

/** A route as one side of the plan sees it. Facet values may be `UNKNOWN` (known after apply). */
export interface Route {
  /** `GET /orders/{id}`, prefixed by the API name when the plan holds several REST APIs. */
  readonly route: string;
  readonly method: string;
  readonly path: string;
  readonly apiKeyRequired: Value;
  /**
   * Who may call, as the method's authorization says: `none`, `IAM`, `Cognito` (with the scopes an access token
   * needs), `Lambda <authorizer>`; `UNKNOWN` when the plan does not know it yet.
   */
  readonly auth: Value;
  /** The request validator's name; `undefined` when the method has none. */
  readonly validator: Value;
  /** Request model names (with their content type when it is not JSON). */
  readonly models: Value;
  /** Declared query-string and header parameters, `name` or `name (required)`. */
  readonly parameters: Value;
  /** The stage cache keys of the route (`limit`, `header X-Tenant`, …). */
  readonly cacheKeys: Value;
  readonly integration: Value;
  readonly timeoutMs: Value;
  readonly target: Value;
  /** The resource instances that make up the route in this world (method, integration, responses). */
  readonly addresses: readonly string[];
  /**
   * A CORS preflight: an `OPTIONS` method the gateway answers itself (a `MOCK` integration). It is not a route of the
   * API — no client calls it, the function never sees it — so the summary lists it apart from the routes.
   */
  readonly preflight: boolean;
}

/** One difference of a route, e.g. `{ label: 'API key', before: 'no', after: 'yes' }`. */
export interface FacetChange {
  readonly label: string;
  readonly before: string;
  readonly after: string;
}

export interface RouteChange {
  readonly before: Route;
  readonly after: Route;
  /** The route's facets that differ. */
  readonly facets: readonly FacetChange[];
  /** Changes of the route's resources the facets do not show (e.g. `integration response 204: response_parameters`). */
  readonly notes: readonly string[];
}

/** A changed item of a section: a validator, a model, a key, a plan, a method setting, a resource of another type. */
export interface ItemChange {
  readonly kind: Exclude<ChangeKind, 'no-op'>;
  readonly name: string;
  readonly details: readonly string[];
  readonly address: string;
  /** Other resource changes this item stands for (an API key's usage-plan assignment). */
  readonly merged?: readonly string[];
}

export interface StageSummary {
  readonly name: string;
  readonly kind: ChangeKind;
  readonly redeploy: { readonly will: boolean; readonly reason: string };
  /** Cache cluster: `0.5 GB`, `off`, or `0.5 → 1.6 GB`; undefined when unchanged. */
  readonly cacheCluster?: string;
  readonly methodSettings: readonly ItemChange[];
  /** Cache keys of routes whose keys appear or change (`before` is empty for a new route). */
  readonly cacheKeys: readonly FacetChange[];
  /** Other stage attribute changes (variables, tracing, access log…). */
  readonly details: readonly string[];
}

export interface TypeGroup {
  readonly type: string;
  readonly items: readonly ItemChange[];
}

/** Routes (or CORS preflights) that appear, disappear, change, or stay as they are. */
export interface RouteDiff {
  readonly added: readonly Route[];
  readonly removed: readonly Route[];
  readonly changed: readonly RouteChange[];
  readonly unchanged: number;
}

/** A route that keeps existing but lets more callers in than before. */
export interface AccessLoss {
  readonly route: string;
  /** What it no longer demands, e.g. `auth (was Cognito)`, `scope orders-api/orders.write`, `API key`. */
  readonly what: string;
}

export interface PlanSummary {
  readonly totals: PlanTotals;
  /** Routes that lose their auth, scopes or API key: what a reviewer must not miss. */
  readonly accessLost: readonly AccessLoss[];
  /** The API's routes: what clients call. CORS preflights are in `preflights`. */
  readonly routes: RouteDiff;
  /** The `OPTIONS` methods the gateway answers for CORS, one per resource path. */
  readonly preflights: RouteDiff;
  /** Resource paths created and destroyed (`/health`). */
  readonly paths: { readonly added: readonly string[]; readonly removed: readonly string[] };
  readonly validators: readonly ItemChange[];
  readonly models: readonly ItemChange[];
  readonly apiKeys: readonly ItemChange[];
  readonly usagePlans: readonly ItemChange[];
  readonly stages: readonly StageSummary[];
  /** API definition changes (routes, models, validators, gateway responses) that no new deployment carries. */
  readonly undeployedDefinitionChange: boolean;
  readonly otherGateway: readonly TypeGroup[];
  readonly other: readonly TypeGroup[];
}

const T = {
  restApi: 'aws_api_gateway_rest_api',
  resource: 'aws_api_gateway_resource',
  method: 'aws_api_gateway_method',
  integration: 'aws_api_gateway_integration',
  methodResponse: 'aws_api_gateway_method_response',
  integrationResponse: 'aws_api_gateway_integration_response',
  validator: 'aws_api_gateway_request_validator',
  model: 'aws_api_gateway_model',
  apiKey: 'aws_api_gateway_api_key',
  planKey: 'aws_api_gateway_usage_plan_key',
  usagePlan: 'aws_api_gateway_usage_plan',
  stage: 'aws_api_gateway_stage',
  methodSettings: 'aws_api_gateway_method_settings',
  deployment: 'aws_api_gateway_deployment',
  gatewayResponse: 'aws_api_gateway_gateway_response',
} as const;

/** Types a section of the summary reads; any other type goes to an "other" group. */
const SECTION_TYPES = new Set<string>([
  T.resource,
  T.method,
  T.integration,
  T.methodResponse,
  T.integrationResponse,
  T.validator,
  T.model,
  T.apiKey,
  T.planKey,
  T.usagePlan,
  T.stage,
  T.methodSettings,
  T.deployment,
]);

/** Types whose change alters what a deployment snapshots: without a new deployment, stages keep the old API. */
const DEFINITION_TYPES = new Set<string>([
  T.resource,
  T.method,
  T.integration,
  T.methodResponse,
  T.integrationResponse,
  T.validator,
  T.model,
  T.gatewayResponse,
  'aws_api_gateway_authorizer',
]);

/** Route attributes the facets already show, left out of a route's notes. */
const FACET_ATTRIBUTES: Record<string, readonly string[]> = {
  [T.method]: ['api_key_required', 'authorization', 'authorizer_id', 'authorization_scopes', 'request_validator_id', 'request_models', 'request_parameters'],
  [T.integration]: ['cache_key_parameters', 'type', 'timeout_milliseconds', 'uri'],
};

/** Attributes that change on every replacement or are bookkeeping, never worth a reviewer's attention. */
const NOISE = new Set(['id', 'tags_all', 'arn', 'created_date', 'last_updated_date', 'execution_arn', 'invoke_url']);

/**
 * The gateway-level reading of a plan (`terraform show -json`).
 * @example
 * const summary = summarizePlan(JSON.parse(readFileSync('plan.json', 'utf8')));
 * summary.routes.added.map((r) => r.route); // ['GET /health']
 * summary.preflights.added.map((r) => r.path); // ['/health']
 */
export function summarizePlan(plan: PlanJson): PlanSummary {
  const index = new PlanIndex(plan);
  const changed = index.changes.filter((rc) => changeKind(rc.change.actions) !== 'no-op');
  const { routes, preflights } = diffRoutes(index);
  const stages = stageSummaries(index, routes);
  const definitionChanged = changed.some((rc) => DEFINITION_TYPES.has(rc.type));
  const redeploys = changed.some((rc) => rc.type === T.deployment && rc.change.actions.includes('create'));
  return {
    totals: totals(changed),
    accessLost: accessLost(routes),
    routes,
    preflights,
    paths: {
      added: changed.filter((rc) => changeKind(rc.change.actions) === 'create' && rc.type === T.resource).map((rc) => resourcePath(index, 'after', index.node('after', rc.address)!)),
      removed: changed.filter((rc) => changeKind(rc.change.actions) === 'delete' && rc.type === T.resource).map((rc) => resourcePath(index, 'before', index.node('before', rc.address)!)),
    },
    validators: itemsOf(index, changed, T.validator, describeValidator),
    models: itemsOf(index, changed, T.model, describeModel),
    apiKeys: apiKeyItems(index, changed),
    usagePlans: itemsOf(index, changed, T.usagePlan, describeUsagePlan),
    stages,
    undeployedDefinitionChange: definitionChanged && !redeploys && index.all('before', T.deployment).length > 0,
    ...otherGroups(index, changed),
  };
}

function totals(changed: readonly ResourceChange[]): PlanTotals {
  let add = 0;
  let change = 0;
  let destroy = 0;
  let replace = 0;
  for (const rc of changed) {
    const kind = changeKind(rc.change.actions);
    if (kind === 'create' || kind === 'replace') add += 1;
    if (kind === 'delete' || kind === 'replace') destroy += 1;
    if (kind === 'update') change += 1;
    if (kind === 'replace') replace += 1;
  }
  return { add, change, destroy, replace };
}

// ─── Routes ──────────────────────────────────────────────────────────────────────────────────────────────────────

function diffRoutes(index: PlanIndex): { routes: RouteDiff; preflights: RouteDiff } {
  const several = new Set([...index.all('before', T.restApi), ...index.all('after', T.restApi)].map((n) => n.address)).size > 1;
  const before = routesOf(index, 'before', several);
  const after = routesOf(index, 'after', several);
  const only = (routes: Map<string, Route>, preflight: boolean) =>
    new Map([...routes].filter(([, route]) => route.preflight === preflight));
  return {
    routes: diffRouteMaps(index, only(before, false), only(after, false)),
    preflights: diffRouteMaps(index, only(before, true), only(after, true)),
  };
}

function diffRouteMaps(index: PlanIndex, before: Map<string, Route>, after: Map<string, Route>): RouteDiff {
  const added = [...after.values()].filter((r) => !before.has(r.route));
  const removed = [...before.values()].filter((r) => !after.has(r.route));
  const changed: RouteChange[] = [];
  let unchanged = 0;
  for (const [key, next] of after) {
    const previous = before.get(key);
    if (!previous) continue;
    const facets = diffFacets(previous, next);
    const notes = routeNotes(index, next);
    if (facets.length === 0 && notes.length === 0) unchanged += 1;
    else changed.push({ before: previous, after: next, facets, notes });
  }
  const byRoute = (a: Route, b: Route) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method);
  return {
    added: added.sort(byRoute),
    removed: removed.sort(byRoute),
    changed: changed.sort((a, b) => byRoute(a.after, b.after)),
    unchanged,
  };
}

/**
 * Every method of one world as a route, keyed `METHOD /path` (prefixed by the API name when `prefixApi`), CORS
 * preflights included and marked.
 * @example [...routesOf(new PlanIndex(plan), 'after', false).keys()] // ['GET /hello', 'OPTIONS /hello', …]
 */
export function routesOf(index: PlanIndex, side: Side, prefixApi: boolean): Map<string, Route> {
  const keyOf = (node: Node): string => {
    const method = text(valueAt(node, 'http_method')) ?? '?';
    const path = resourcePath(index, side, node);
    const api = prefixApi ? `${apiName(index, side, node)} ` : '';
    return `${api}${method} ${path}`;
  };
  const parts = new Map<string, { integration?: Node; others: string[] }>();
  for (const type of [T.integration, T.methodResponse, T.integrationResponse]) {
    for (const node of index.all(side, type)) {
      const key = keyOf(node);
      const entry = parts.get(key) ?? { others: [] };
      if (type === T.integration) entry.integration = node;
      entry.others.push(node.address);
      parts.set(key, entry);
    }
  }
  const routes = new Map<string, Route>();
  for (const method of index.all(side, T.method)) {
    const key = keyOf(method);
    const part = parts.get(key);
    const integration = part?.integration;
    const path = resourcePath(index, side, method);
    const httpMethod = text(valueAt(method, 'http_method')) ?? '?';
    routes.set(key, {
      route: key,
      method: httpMethod,
      path,
      apiKeyRequired: valueAt(method, 'api_key_required') ?? false,
      auth: authOf(index, side, method),
      validator: nameOf(index, side, method, 'request_validator_id'),
      models: mapValues(valueAt(method, 'request_models'), (contentType, model) =>
        contentType === 'application/json' ? String(model) : `${model} (${contentType})`,
      ),
      parameters: requestParameters(valueAt(method, 'request_parameters')),
      cacheKeys: integration ? cacheKeys(valueAt(integration, 'cache_key_parameters')) : [],
      integration: integration ? valueAt(integration, 'type') : undefined,
      timeoutMs: integration ? valueAt(integration, 'timeout_milliseconds') : undefined,
      target: integration ? valueAt(integration, 'uri') : undefined,
      addresses: [method.address, ...(part?.others ?? [])],
      preflight: httpMethod === 'OPTIONS' && integration !== undefined && valueAt(integration, 'type') === 'MOCK',
    });
  }
  return routes;
}

/** A method's `authorization`, its authorizer's name and its scopes, as one reading: `Cognito (scope a, b)`. */
function authOf(index: PlanIndex, side: Side, method: Node): Value {
  const authorization = valueAt(method, 'authorization');
  if (authorization === UNKNOWN) return UNKNOWN;
  switch (authorization) {
    case undefined:
    case null:
    case 'NONE':
      return 'none';
    case 'AWS_IAM':
      return 'IAM';
    case 'COGNITO_USER_POOLS': {
      const scopes = valueAt(method, 'authorization_scopes');
      if (scopes === UNKNOWN) return 'Cognito (scopes known after apply)';
      return Array.isArray(scopes) && scopes.length > 0 ? `Cognito (${scopes.map(String).sort().join(', ')})` : 'Cognito';
    }
    case 'CUSTOM': {
      const name = nameOf(index, side, method, 'authorizer_id');
      return typeof name === 'string' && name !== '' ? `Lambda ${name}` : 'Lambda';
    }
    default:
      return String(authorization);
  }
}

/**
 * What each changed route stops demanding: its auth (to `none`), a Cognito scope, or its API key. A route that goes
 * away is not listed (nobody can call it); a new public route is a new route, shown as such.
 */
function accessLost(routes: RouteDiff): AccessLoss[] {
  const losses: AccessLoss[] = [];
  const scopesOf = (auth: Value): string[] => (typeof auth === 'string' ? (/^Cognito \((.*)\)$/.exec(auth)?.[1]?.split(', ') ?? []) : []);
  for (const { before, after } of routes.changed) {
    if (before.auth !== 'none' && before.auth !== UNKNOWN && after.auth === 'none') {
      losses.push({ route: after.route, what: `auth (was ${String(before.auth)})` });
    } else if (String(before.auth).startsWith('Cognito') && String(after.auth).startsWith('Cognito')) {
      const kept = new Set(scopesOf(after.auth));
      const dropped = scopesOf(before.auth).filter((scope) => !kept.has(scope));
      // Fewer listed scopes only narrows access while some remain; none left means any valid token passes.
      if (dropped.length > 0 && kept.size === 0) losses.push({ route: after.route, what: `scope${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')}` });
    }
    if (before.apiKeyRequired === true && after.apiKeyRequired === false) losses.push({ route: after.route, what: 'API key' });
  }
  return losses;
}

/** The resource path a node sits on: `/` for the API's root, else the chain of path parts up to the root. */
export function resourcePath(index: PlanIndex, side: Side, node: Node, depth = 0): string {
  if (node.type === T.resource) {
    const known = valueAt(node, 'path');
    if (typeof known === 'string' && known.startsWith('/')) return known;
    const part = text(valueAt(node, 'path_part')) ?? '?';
    const parent = depth > 32 ? '?' : pathVia(index, side, node, 'parent_id', depth);
    return parent === '/' ? `/${part}` : `${parent}/${part}`;
  }
  return pathVia(index, side, node, 'resource_id', depth);
}

function pathVia(index: PlanIndex, side: Side, node: Node, attribute: string, depth: number): string {
  const target = index.follow(side, node, attribute, ['id', 'root_resource_id']);
  if (!target) return '?';
  if (target.node.type === T.restApi) return '/';
  if (depth > 32) return '?';
  // A resource, or another object's resource_id (an integration written against its method's): follow it.
  return resourcePath(index, side, target.node, depth + 1);
}

function apiName(index: PlanIndex, side: Side, node: Node): string {
  const api = index.follow(side, node, 'rest_api_id');
  return (api && text(valueAt(api.node, 'name'))) ?? '?';
}

/** The `name` of the object `attribute` points at; `undefined` when the attribute is empty. */
function nameOf(index: PlanIndex, side: Side, node: Node, attribute: string): Value {
  const value = valueAt(node, attribute);
  if (value === undefined || value === null || value === '') return undefined;
  const target = index.follow(side, node, attribute);
  const name = target && valueAt(target.node, 'name');
  if (typeof name === 'string') return name;
  return value === UNKNOWN ? UNKNOWN : String(value);
}

function diffFacets(before: Route, after: Route): FacetChange[] {
  const facets: [string, (r: Route) => string][] = [
    ['API key', (r) => show(r.apiKeyRequired)],
    ['auth', (r) => show(r.auth)],
    ['validator', (r) => show(r.validator)],
    ['body model', (r) => show(r.models)],
    ['parameters', (r) => show(r.parameters)],
    ['cache keys', (r) => show(r.cacheKeys)],
    ['integration', (r) => show(r.integration)],
    ['integration timeout', (r) => (typeof r.timeoutMs === 'number' ? `${r.timeoutMs} ms` : show(r.timeoutMs))],
  ];
  const changes: FacetChange[] = facets
    .map(([label, render]) => ({ label, before: render(before), after: render(after) }))
    .filter((f) => f.before !== f.after);
  // The target (a Lambda ARN, say) is long and often unknown: say that it changes, not what it is.
  if (show(before.target) !== show(after.target)) {
    changes.push({ label: 'integration target', before: 'current', after: after.target === UNKNOWN ? 'known after apply' : 'new' });
  }
  return changes;
}

/** Changes of a route's resources that its facets do not show, and replacements. */
function routeNotes(index: PlanIndex, route: Route): string[] {
  const notes: string[] = [];
  for (const address of route.addresses) {
    const rc = index.node('after', address)?.change;
    if (!rc) continue;
    const kind = changeKind(rc.change.actions);
    if (kind === 'no-op') continue;
    const label = routePartLabel(rc);
    if (kind === 'replace') {
      notes.push(`${label} replaced${forcedBy(rc)}`);
      continue;
    }
    if (kind === 'create') {
      notes.push(`${label} added`);
      continue;
    }
    const covered = FACET_ATTRIBUTES[rc.type] ?? [];
    const attributes = changedAttributes(rc).filter((a) => !covered.includes(a));
    if (attributes.length > 0) notes.push(`${label}: ${attributes.map((a) => `\`${a}\``).join(', ')}`);
  }
  // Parts that only the old world has (a method response that goes away) are changes of the route too.
  for (const rc of index.changes) {
    if (changeKind(rc.change.actions) !== 'delete') continue;
    if (![T.methodResponse, T.integrationResponse, T.integration].includes(rc.type as never)) continue;
    const node = index.node('before', rc.address);
    if (!node) continue;
    const method = text(valueAt(node, 'http_method'));
    if (method === route.method && resourcePath(index, 'before', node) === route.path) notes.push(`${routePartLabel(rc)} removed`);
  }
  return notes;
}

function routePartLabel(rc: ResourceChange): string {
  const status = text(rc.change.after?.status_code) ?? text(rc.change.before?.status_code);
  switch (rc.type) {
    case T.method:
      return 'method';
    case T.integration:
      return 'integration';
    case T.methodResponse:
      return `method response ${status ?? ''}`.trim();
    case T.integrationResponse:
      return `integration response ${status ?? ''}`.trim();
    default:
      return rc.type;
  }
}

function requestParameters(value: Value): Value {
  if (value === UNKNOWN || value === SENSITIVE) return value;
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>)
    .filter(([name]) => !name.startsWith('method.request.path.'))
    .map(([name, required]) => {
      const short = name.replace(/^method\.request\.querystring\./, '').replace(/^method\.request\.header\./, 'header ');
      return required === true ? `${short} (required)` : short;
    })
    .sort();
}

function cacheKeys(value: Value): Value {
  if (value === UNKNOWN || value === SENSITIVE) return value;
  if (!Array.isArray(value)) return [];
  return value
    .map((key) =>
      String(key)
        .replace(/^method\.request\.querystring\./, '')
        .replace(/^method\.request\.header\./, 'header ')
        .replace(/^method\.request\.path\./, 'path '),
    )
    .sort();
}

function mapValues(value: Value, render: (key: string, value: unknown) => string): Value {
  if (value === UNKNOWN || value === SENSITIVE) return value;
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value as Record<string, unknown>).map(([k, v]) => render(k, v)).sort();
}

// ─── Stages ──────────────────────────────────────────────────────────────────────────────────────────────────────

function stageSummaries(index: PlanIndex, routes: RouteDiff): StageSummary[] {
  const seen = new Set<string>();
  const stages: StageSummary[] = [];
  for (const side of ['after', 'before'] as const) {
    for (const node of index.all(side, T.stage)) {
      if (seen.has(node.address)) continue;
      seen.add(node.address);
      stages.push(stageSummary(index, side, node, routes));
    }
  }
  return stages.sort((a, b) => a.name.localeCompare(b.name));
}

function stageSummary(index: PlanIndex, side: Side, node: Node, routes: RouteDiff): StageSummary {
  const rc = node.change;
  const kind = rc ? changeKind(rc.change.actions) : 'no-op';
  const name = text(valueAt(node, 'stage_name')) ?? node.address;
  const before = index.node('before', node.address);
  const after = index.node('after', node.address);

  const methodSettings = index.changes
    .filter((c) => c.type === T.methodSettings && changeKind(c.change.actions) !== 'no-op')
    .filter((c) => (text(c.change.after?.stage_name) ?? text(c.change.before?.stage_name)) === name)
    .map((c) => item(index, c, describeMethodSettings))
    // The stage-wide setting first, then per route, like the table.
    .sort((a, b) => Number(b.name === 'all methods') - Number(a.name === 'all methods') || routeOrder(a.name, b.name));

  return {
    name,
    kind,
    redeploy: side === 'before' && kind === 'delete' ? { will: false, reason: 'the stage is removed' } : redeployOf(index, node, kind),
    ...(cacheClusterChange(before, after, kind) ?? {}),
    methodSettings,
    cacheKeys: cacheKeyChanges(routes),
    details: kind === 'update' && rc ? stageDetails(rc) : [],
  };
}

/** `GET /search` before `GET /orders`: by path, then method. */
function routeOrder(a: string, b: string): number {
  const [ma = '', pa = ''] = a.split(' ');
  const [mb = '', pb = ''] = b.split(' ');
  return pa.localeCompare(pb) || ma.localeCompare(mb);
}

function redeployOf(index: PlanIndex, stage: Node, kind: ChangeKind): StageSummary['redeploy'] {
  const target = index.follow('after', stage, 'deployment_id');
  const deployment = target?.node.type === T.deployment ? target.node.change : undefined;
  const deploymentKind = deployment ? changeKind(deployment.change.actions) : 'no-op';
  if (kind === 'create' || kind === 'replace') {
    return { will: true, reason: kind === 'create' ? 'first deployment of a new stage' : 'the stage is replaced' };
  }
  if (deployment && deploymentKind === 'replace') {
    const paths = (deployment.change.replace_paths ?? []).map((p) => String(p[0]));
    return {
      will: true,
      reason: paths.includes('triggers')
        ? "the API definition changed (the deployment's triggers changed), so a new deployment replaces the old one"
        : `the deployment is replaced${forcedBy(deployment)}`,
    };
  }
  if (deployment && deploymentKind === 'create') return { will: true, reason: 'a new deployment is created for the stage' };
  const rc = stage.change;
  if (rc && changedAttributes(rc).includes('deployment_id')) return { will: true, reason: 'the stage moves to another deployment' };
  return { will: false, reason: 'the stage keeps serving its current deployment' };
}

function cacheClusterChange(before: Node | undefined, after: Node | undefined, kind: ChangeKind): { cacheCluster: string } | undefined {
  const describe = (node: Node | undefined): string => {
    if (!node) return 'none';
    const enabled = valueAt(node, 'cache_cluster_enabled');
    if (enabled === UNKNOWN) return 'known after apply';
    if (enabled !== true) return 'off';
    const size = valueAt(node, 'cache_cluster_size');
    return size === UNKNOWN ? 'on (size known after apply)' : `${text(size) ?? '?'} GB`;
  };
  if (kind === 'delete') return undefined;
  if (kind === 'create' || kind === 'replace') return { cacheCluster: describe(after) };
  const was = describe(before);
  const will = describe(after);
  return was === will ? undefined : { cacheCluster: `${was} → ${will}` };
}

function cacheKeyChanges(routes: RouteDiff): FacetChange[] {
  const changes: FacetChange[] = [];
  for (const route of routes.added) {
    if (Array.isArray(route.cacheKeys) && route.cacheKeys.length > 0) changes.push({ label: route.route, before: '', after: show(route.cacheKeys) });
  }
  for (const change of routes.changed) {
    const facet = change.facets.find((f) => f.label === 'cache keys');
    if (facet) changes.push({ label: change.after.route, before: facet.before, after: facet.after });
  }
  for (const route of routes.removed) {
    if (Array.isArray(route.cacheKeys) && route.cacheKeys.length > 0) changes.push({ label: route.route, before: show(route.cacheKeys), after: '— (route removed)' });
  }
  return changes;
}

function stageDetails(rc: ResourceChange): string[] {
  const details: string[] = [];
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  for (const attribute of changedAttributes(rc)) {
    if (['deployment_id', 'cache_cluster_enabled', 'cache_cluster_size'].includes(attribute)) continue;
    if (attribute === 'variables') {
      details.push(...mapDiff('variable', before.variables, after.variables));
      continue;
    }
    details.push(fieldChange(attribute.replaceAll('_', ' '), before[attribute], unknownOr(rc, attribute, after[attribute])));
  }
  return details;
}

// ─── Sections of items ───────────────────────────────────────────────────────────────────────────────────────────

type Describe = (index: PlanIndex, rc: ResourceChange, kind: ItemChange['kind']) => { name: string; details: string[] };

function itemsOf(index: PlanIndex, changed: readonly ResourceChange[], type: string, describe: Describe): ItemChange[] {
  return changed.filter((rc) => rc.type === type).map((rc) => item(index, rc, describe));
}

function item(index: PlanIndex, rc: ResourceChange, describe: Describe): ItemChange {
  const kind = changeKind(rc.change.actions) as ItemChange['kind'];
  const { name, details } = describe(index, rc, kind);
  return { kind, name, details: kind === 'replace' ? [`replaced${forcedBy(rc)}`, ...details] : details, address: rc.address };
}

const attrs = (rc: ResourceChange, side: Side): Record<string, unknown> => rc.change[side] ?? {};
const nameFrom = (rc: ResourceChange, key = 'name'): string =>
  text(attrs(rc, 'after')[key]) ?? text(attrs(rc, 'before')[key]) ?? rc.name;

const describeValidator: Describe = (index, rc, kind) => {
  const checks = (side: Side): string => {
    const a = attrs(rc, side);
    const parts = [a.validate_request_body === true && 'body', a.validate_request_parameters === true && 'parameters'].filter(Boolean);
    return parts.length > 0 ? parts.join(' and ') : 'nothing';
  };
  const name = nameFrom(rc);
  if (kind === 'delete') return { name, details: [] };
  const usedBy = routesUsing(index, (r) => r.validator === name);
  const details = kind === 'create' ? [`validates ${checks('after')}`] : diffFields(rc, { name: 'name' }, { checks: [checks('before'), checks('after')] });
  return { name, details: [...details, ...(usedBy ? [`used by ${usedBy}`] : [])] };
};

const describeModel: Describe = (index, rc, kind) => {
  const name = nameFrom(rc);
  if (kind === 'delete') return { name, details: [] };
  const after = attrs(rc, 'after');
  const usedBy = routesUsing(index, (r) => Array.isArray(r.models) && r.models.some((m) => String(m).split(' ')[0] === name));
  const details =
    kind === 'create'
      ? [text(after.content_type) ?? 'content type known after apply', ...schemaOutline(after.schema)]
      : [...diffFields(rc, { content_type: 'content type', description: 'description' }), ...schemaDiff(attrs(rc, 'before').schema, after.schema)];
  return { name, details: [...details, ...(usedBy ? [`used by ${usedBy}`] : [])] };
};

const describeApiKey: Describe = (_index, rc, kind) => {
  const name = nameFrom(rc);
  if (kind === 'delete') return { name, details: [] };
  if (kind === 'create') return { name, details: [attrs(rc, 'after').enabled === false ? 'disabled' : 'enabled'] };
  const details = diffFields(rc, { name: 'name', enabled: 'enabled', description: 'description', customer_id: 'customer id' });
  if (changedAttributes(rc).includes('value')) details.push('value changes (sensitive)');
  return { name, details };
};

/**
 * One line per API key: the key's own change and its usage-plan assignment (a separate Terraform resource) read as
 * one item, so a new key shows once as `enabled, joins usage plan …`. An assignment whose key does not change stands
 * alone under the key's name.
 */
function apiKeyItems(index: PlanIndex, changed: readonly ResourceChange[]): ItemChange[] {
  const keys = itemsOf(index, changed, T.apiKey, describeApiKey);
  const byName = new Map(keys.map((key, i) => [key.name, i]));
  const items: ItemChange[] = [...keys];
  for (const assignment of itemsOf(index, changed, T.planKey, describePlanKey)) {
    const at = byName.get(assignment.name);
    if (at === undefined) {
      items.push(assignment);
      continue;
    }
    const key = items[at]!;
    items[at] = { ...key, details: [...key.details, ...assignment.details], merged: [...(key.merged ?? []), assignment.address] };
  }
  return items;
}

const describePlanKey: Describe = (index, rc, kind) => {
  const side: Side = kind === 'delete' ? 'before' : 'after';
  const node = index.node(side, rc.address);
  const key = node ? nameOf(index, side, node, 'key_id') : undefined;
  const plan = node ? nameOf(index, side, node, 'usage_plan_id') : undefined;
  const planName = typeof plan === 'string' ? `\`${plan}\`` : plain(plan);
  const verb = kind === 'delete' ? 'leaves' : kind === 'create' ? 'joins' : 'changes its assignment to';
  return { name: typeof key === 'string' ? key : plain(key), details: [`${verb} usage plan ${planName}`] };
};

const describeUsagePlan: Describe = (_index, rc, kind) => {
  const name = nameFrom(rc);
  if (kind === 'delete') return { name, details: [] };
  const view = (side: Side) => {
    const a = attrs(rc, side);
    const throttle = first(a.throttle_settings);
    const quota = first(a.quota_settings);
    return {
      rate: throttle?.rate_limit,
      burst: throttle?.burst_limit,
      quota: quota?.limit,
      period: quota?.period,
      offset: quota?.offset,
      stages: Array.isArray(a.api_stages) ? a.api_stages.map((s) => text((s as Record<string, unknown>).stage) ?? '?').sort() : [],
    };
  };
  const after = view('after');
  if (kind === 'create') {
    const details = [
      after.rate === undefined ? 'no throttle' : `throttle ${count(after.rate)} req/s, burst ${count(after.burst)}`,
      after.quota === undefined ? 'no quota' : `quota ${count(after.quota)} per ${after.period}`,
      `stages ${after.stages.map((s) => `\`${s}\``).join(', ') || 'none'}`,
    ];
    return { name, details };
  }
  const before = view('before');
  const details: string[] = [];
  const add = (label: string, a: unknown, b: unknown, unit = '', tail = '') => {
    if (JSON.stringify(a) !== JSON.stringify(b)) details.push(`${label} ${plain(a)}${unit} → ${plain(b)}${unit}${tail}`);
  };
  add('name', attrs(rc, 'before').name, attrs(rc, 'after').name);
  add('throttle rate', before.rate, after.rate, ' req/s');
  add('burst', before.burst, after.burst);
  add('quota', before.quota, after.quota, '', before.period === after.period && before.period ? ` per ${before.period}` : '');
  add('quota period', before.period, after.period);
  add('quota offset', before.offset, after.offset);
  add('stages', before.stages.join(', ') || 'none', after.stages.join(', ') || 'none');
  return { name, details };
};

const describeMethodSettings: Describe = (_index, rc, kind) => {
  const path = nameFrom(rc, 'method_path');
  const name = path === '*/*' ? 'all methods' : methodPathRoute(path);
  if (kind === 'delete') return { name, details: [] };
  const after = first(attrs(rc, 'after').settings) ?? {};
  const before = first(attrs(rc, 'before').settings) ?? {};
  const unknown = first((rc.change.after_unknown as Record<string, unknown> | undefined)?.settings) ?? {};
  const known = (key: string) => unknown[key] !== true && after[key] !== undefined && after[key] !== null;
  if (kind === 'create' || kind === 'replace') {
    const details: string[] = [];
    if (known('caching_enabled')) {
      details.push(
        after.caching_enabled === true
          ? `caching on${known('cache_ttl_in_seconds') ? `, TTL ${after.cache_ttl_in_seconds} s` : ''}${after.cache_data_encrypted === true ? ', encrypted' : ''}`
          : 'caching off',
      );
    }
    if (known('throttling_rate_limit')) details.push(`throttle ${count(after.throttling_rate_limit)} req/s, burst ${plain(after.throttling_burst_limit)}`);
    if (after.metrics_enabled === true) details.push('metrics on');
    if (known('logging_level') && after.logging_level) details.push(`logging ${after.logging_level}`);
    return { name, details };
  }
  const labels: Record<string, [string, string?]> = {
    caching_enabled: ['caching'],
    cache_ttl_in_seconds: ['cache TTL', ' s'],
    cache_data_encrypted: ['cache encryption'],
    throttling_rate_limit: ['throttle rate', ' req/s'],
    throttling_burst_limit: ['burst'],
    metrics_enabled: ['metrics'],
    logging_level: ['logging level'],
    data_trace_enabled: ['data trace'],
    require_authorization_for_cache_control: ['authorized cache control'],
    unauthorized_cache_control_header_strategy: ['unauthorized cache control'],
  };
  const details: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const was = before[key];
    const will = unknown[key] === true ? UNKNOWN : after[key];
    if (will === UNKNOWN || JSON.stringify(was) === JSON.stringify(will)) continue;
    const [label, unit = ''] = labels[key] ?? [key.replaceAll('_', ' ')];
    details.push(`${label} ${plain(was)}${unit} → ${plain(will)}${unit}`);
  }
  return { name, details };
};

/** `orders/{id}/GET` → `GET /orders/{id}` (API Gateway's method path: the resource path without its `/`, then the method). */
export function methodPathRoute(methodPath: string): string {
  const cut = methodPath.lastIndexOf('/');
  if (cut < 0) return methodPath;
  const method = methodPath.slice(cut + 1);
  const path = methodPath.slice(0, cut).replaceAll('~1', '/');
  return `${method === '*' ? 'every method' : method} ${path === '*' ? 'on every path' : `/${path.replace(/^\//, '')}`}`;
}

const afterRoutes = new WeakMap<PlanIndex, Route[]>();

function routesUsing(index: PlanIndex, predicate: (route: Route) => boolean): string | undefined {
  let all = afterRoutes.get(index);
  if (!all) {
    all = [...routesOf(index, 'after', index.all('after', T.restApi).length > 1).values()];
    afterRoutes.set(index, all);
  }
  const routes = all.filter(predicate).map((r) => `\`${r.route}\``);
  return routes.length > 0 ? routes.sort().join(', ') : undefined;
}

// ─── Other resources ─────────────────────────────────────────────────────────────────────────────────────────────

function otherGroups(index: PlanIndex, changed: readonly ResourceChange[]): { otherGateway: TypeGroup[]; other: TypeGroup[] } {
  const groups = new Map<string, ItemChange[]>();
  for (const rc of changed) {
    if (SECTION_TYPES.has(rc.type)) continue;
    const entry = item(index, rc, describeOther);
    groups.set(rc.type, [...(groups.get(rc.type) ?? []), entry]);
  }
  const all = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([type, items]) => ({ type, items }));
  return {
    otherGateway: all.filter((g) => g.type.startsWith('aws_api_gateway_')),
    other: all.filter((g) => !g.type.startsWith('aws_api_gateway_')),
  };
}

/** The attribute that names a resource of a type, for a reviewer; the address's name when none does. */
const LABEL_ATTRIBUTE: Record<string, string> = {
  aws_api_gateway_gateway_response: 'response_type',
  aws_lambda_function: 'function_name',
  aws_lambda_permission: 'statement_id',
  aws_cloudfront_distribution: 'comment',
  aws_iam_role_policy_attachment: 'policy_arn',
};

const describeOther: Describe = (_index, rc, kind) => {
  const key = LABEL_ATTRIBUTE[rc.type];
  const candidates = [key, 'name', 'function_name', 'bucket'].filter((k): k is string => Boolean(k));
  const label = candidates.map((k) => text(attrs(rc, 'after')[k]) ?? text(attrs(rc, 'before')[k])).find((v) => v);
  // A `name_prefix` is the start of a name AWS completes at apply: shown as such, never as if it were the name.
  const prefix = text(attrs(rc, 'after').name_prefix) ?? text(attrs(rc, 'before').name_prefix);
  const generated = label === undefined && prefix !== undefined;
  const name = rc.type === 'aws_api_gateway_account' ? 'account settings (region-wide)' : label ?? (generated ? `${prefix}…` : rc.name);
  const named = generated ? ['name generated at apply from this prefix'] : [];
  if (kind !== 'update') return { name, details: named };
  const attributes = changedAttributes(rc);
  return { name, details: attributes.length > 0 ? [attributes.map((a) => `\`${a}\``).join(', ')] : [] };
};

// ─── Values ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Top-level attributes whose value changes (or becomes unknown), bookkeeping left out. */
export function changedAttributes(rc: ResourceChange): string[] {
  const before = rc.change.before ?? {};
  const after = rc.change.after ?? {};
  const unknown = (rc.change.after_unknown ?? {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after), ...Object.keys(unknown)]);
  return [...keys]
    .filter((k) => !NOISE.has(k))
    .filter((k) => marks(unknown[k]) || JSON.stringify(before[k] ?? null) !== JSON.stringify(after[k] ?? null))
    .sort();
}

function forcedBy(rc: ResourceChange): string {
  const paths = (rc.change.replace_paths ?? []).map((p) => `\`${p.join('.')}\``);
  if (rc.action_reason === 'replace_because_tainted') return ' (tainted)';
  if (rc.action_reason === 'replace_by_request') return ' (requested with -replace)';
  return paths.length > 0 ? ` (${paths.join(', ')} forces it)` : '';
}

function diffFields(rc: ResourceChange, fields: Record<string, string>, extra: Record<string, [string, string]> = {}): string[] {
  const details: string[] = [];
  const changed = changedAttributes(rc);
  for (const [attribute, label] of Object.entries(fields)) {
    if (!changed.includes(attribute)) continue;
    details.push(fieldChange(label, attrs(rc, 'before')[attribute], unknownOr(rc, attribute, attrs(rc, 'after')[attribute])));
  }
  for (const [label, [was, will]] of Object.entries(extra)) if (was !== will) details.push(`${label}: ${was} → ${will}`);
  return details;
}

function unknownOr(rc: ResourceChange, attribute: string, value: unknown): unknown {
  return (rc.change.after_unknown as Record<string, unknown> | undefined)?.[attribute] === true ? UNKNOWN : value;
}

function fieldChange(label: string, before: unknown, after: unknown): string {
  return `${label}: ${plain(before)} → ${plain(after)}`;
}

function mapDiff(label: string, before: unknown, after: unknown): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    if (JSON.stringify(a[key]) === JSON.stringify(b[key])) continue;
    out.push(`${label} \`${key}\`: ${plain(a[key])} → ${plain(b[key])}`);
  }
  return out;
}

/** Outline of a JSON Schema model: its properties and required ones. */
function schemaOutline(schema: unknown): string[] {
  const parsed = parseSchema(schema);
  if (!parsed) return schema === undefined ? [] : ['schema known after apply'];
  const properties = Object.keys(parsed.properties ?? {});
  return [
    ...(properties.length > 0 ? [`properties ${properties.map((p) => `\`${p}\``).join(', ')}`] : []),
    ...(parsed.required?.length ? [`required ${parsed.required.map((p) => `\`${p}\``).join(', ')}`] : []),
  ];
}

/** What changes between two JSON Schema models, by property. */
export function schemaDiff(before: unknown, after: unknown): string[] {
  if (before === after) return [];
  const a = parseSchema(before);
  const b = parseSchema(after);
  if (!a || !b) return ['schema changes'];
  const out: string[] = [];
  const pa = a.properties ?? {};
  const pb = b.properties ?? {};
  for (const key of Object.keys(pb).filter((k) => !(k in pa))) out.push(`property \`${key}\` added`);
  for (const key of Object.keys(pa).filter((k) => !(k in pb))) out.push(`property \`${key}\` removed`);
  for (const key of Object.keys(pb).filter((k) => k in pa && JSON.stringify(pa[k]) !== JSON.stringify(pb[k]))) {
    out.push(`property \`${key}\` changes`);
  }
  const ra = new Set(a.required ?? []);
  const rb = new Set(b.required ?? []);
  for (const key of [...rb].filter((k) => !ra.has(k))) out.push(`\`${key}\` becomes required`);
  for (const key of [...ra].filter((k) => !rb.has(k))) out.push(`\`${key}\` becomes optional`);
  if (JSON.stringify(a.additionalProperties) !== JSON.stringify(b.additionalProperties)) {
    out.push(`additional properties: ${plain(a.additionalProperties ?? true)} → ${plain(b.additionalProperties ?? true)}`);
  }
  return out.length > 0 ? out : ['schema changes'];
}

interface SchemaShape {
  properties?: Record<string, unknown>;
  required?: string[];
  additionalProperties?: unknown;
}

function parseSchema(schema: unknown): SchemaShape | undefined {
  if (typeof schema !== 'string') return undefined;
  try {
    const parsed = JSON.parse(schema) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as SchemaShape) : undefined;
  } catch {
    return undefined;
  }
}

function first(value: unknown): Record<string, unknown> | undefined {
  return Array.isArray(value) && value[0] && typeof value[0] === 'object' ? (value[0] as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined;
}

/** A facet value for a reviewer: `yes`/`no`, names in code spans, `—` for none. */
export function show(value: Value): string {
  if (value === UNKNOWN) return '(known after apply)';
  if (value === SENSITIVE) return '(sensitive)';
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (Array.isArray(value)) return value.length === 0 ? '—' : value.map((v) => `\`${String(v)}\``).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return `\`${String(value)}\``;
}

/** A scalar for a before → after line: numbers and words bare, `—` for none. */
function plain(value: unknown): string {
  if (value === UNKNOWN) return '(known after apply)';
  if (value === SENSITIVE) return '(sensitive)';
  if (value === undefined || value === null || value === '') return '—';
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  if (typeof value === 'object') return '(block)';
  return typeof value === 'number' ? count(value) : String(value);
}

/** `1000000` → `1,000,000`: limits and quotas read at a glance. */
export function count(value: unknown): string {
  return typeof value === 'number' && Number.isInteger(value) ? value.toLocaleString('en-US') : String(value);
}
