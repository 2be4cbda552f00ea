/**
 * The monthly bill of a plan: what will exist after apply (the plan's planned values) and what exists now (its prior
 * state), each priced for the same traffic, and the difference — so a PR that grows the stage cache or doubles the
 * function's memory shows what that costs.
 *
 * Read from the plan: the region, the stage cache (on, size), which routes the stage caches, each route's integration
 * and the function behind it (memory, architecture), the log groups and their retention, whether CloudFront fronts the
 * API, the table's billing mode. Given: a traffic profile (`traffic.ts`), a price table (`prices.ts`) and measured
 * Lambda durations (`durations.ts`). Pure: no clock, no files, no network.
 *
 * Per request of a route: CloudFront takes it (request, response bytes out, request body to the origin); what its
 * cache does not answer reaches API Gateway (a REST request, billed even when the stage cache answers); what the stage
 * cache does not answer invokes the function (a request, its billed duration × memory), which reads and writes
 * DynamoDB and writes log lines; the stage writes an access log line per request it handles.
 */
import { methodPathRoute, routesOf } from './analyze';
import type { LambdaDurations } from './durations';
import { PlanIndex, UNKNOWN, valueAt, type Node, type PlanJson, type Side } from './plan-json';
import { priceOf, tiered, type FreeTierEntry, type KnownPrice, type PriceId, type PriceTable } from './prices';
import { checkTraffic, type TrafficProfile } from './traffic';

/** Hours in AWS's billing month: the stage cache is billed per hour it exists. */
export const HOURS_PER_MONTH = 730;
/** Days in that month, for log storage: data kept `retention` days is, on average, retention / 30.42 months old. */
const DAYS_PER_MONTH = HOURS_PER_MONTH / 24;
/** AWS bills data in GB of 2^30 bytes. */
export const BYTES_PER_GB = 2 ** 30;

export const SERVICES = ['API Gateway', 'Lambda', 'CloudFront', 'DynamoDB', 'CloudWatch Logs'] as const;
export type Service = (typeof SERVICES)[number];

/** One priced quantity: `3,000,000 requests × $3.50 per 1M = $10.50`. */
export interface CostLine {
  readonly service: Service;
  readonly label: string;
  readonly price: PriceId;
  /** In the price's unit (requests, GB, GB-seconds, hours). */
  readonly quantity: number;
  readonly cost: number;
  /** How the figure comes about, for the folded section: the quantity's derivation and the tiers it falls in. */
  readonly arithmetic: string;
}

/** The bill of one side of the plan. */
export interface WorldCost {
  /** Whether this side holds the API at all (the current state of a first plan does not). */
  readonly exists: boolean;
  readonly lines: readonly CostLine[];
  readonly byService: Readonly<Record<Service, number>>;
  readonly total: number;
  /** Facts about this side that shape the figures (cache size, memory, retention), for the folded section. */
  readonly facts: readonly string[];
}

/** A part of the bill the estimate leaves out, and why; never silently. */
export interface Refusal {
  readonly service: Service;
  readonly what: string;
  readonly why: string;
}

export interface FreeTierUse {
  readonly label: string;
  readonly scope: FreeTierEntry['scope'];
  readonly note: string;
  /** What the allowance would take off the after-plan figure, were the account eligible and alone in using it. */
  readonly covers: number;
  readonly arithmetic: string;
}

export interface CostEstimate {
  /** The region the plan deploys to (its AWS provider's), undefined when the plan does not say. */
  readonly region: string | undefined;
  readonly prices?: { readonly file?: string; readonly version: string; readonly cloudFrontModel: string };
  readonly durations?: { readonly file?: string; readonly measured: string };
  /** The whole estimate is refused (no prices for the region): why, and nothing else is set. */
  readonly refused?: string;
  readonly before: WorldCost;
  readonly after: WorldCost;
  /** `after.total - before.total`. */
  readonly change: number;
  /** Parts of the bill left out; the totals do not include them. */
  readonly missing: readonly Refusal[];
  /** Prices used whose figure for the region comes from a secondary source. */
  readonly unconfirmed: readonly { readonly id: PriceId; readonly source: string }[];
  readonly freeTier: readonly FreeTierUse[];
  /** Traffic mix routes the plan (after apply) does not have: not priced beyond CloudFront. */
  readonly unknownRoutes: readonly string[];
}

export interface CostInputs {
  readonly traffic: TrafficProfile;
  /** The price table of the plan's region; a function, since the region comes from the plan. */
  readonly prices: (region: string) => PriceTable | undefined;
  readonly durations?: LambdaDurations;
}

/**
 * The monthly cost of a plan's current state and of what it plans, for one traffic profile.
 *
 * @example
 * const estimate = estimateCost(JSON.parse(readFileSync('plans/orders-api-dev/plan.json', 'utf8')), {
 *   traffic: api.stages.dev.traffic,
 *   prices: (region) => loadPriceTable(infraDir, region),
 *   durations: loadDurations(infraDir),
 * });
 * estimate.after.total; // 41.23
 * estimate.change; // +41.23 on a first plan
 */
export function estimateCost(plan: PlanJson, inputs: CostInputs): CostEstimate {
  const traffic = checkTraffic(inputs.traffic);
  const index = new PlanIndex(plan);
  const region = planRegion(plan);
  const table = region ? inputs.prices(region) : undefined;
  const empty = emptyWorld(false);
  if (!region || !table) {
    const refused = region
      ? `no price table for ${region} (infra/cost/prices/${region}.json): prices differ by region, and no other region's are used`
      : "the plan's AWS provider names no region the estimate can read";
    return { region, refused, before: empty, after: empty, change: 0, missing: [], unconfirmed: [], freeTier: [], unknownRoutes: [] };
  }
  const pricer = new Pricer(table);
  const beforeWorld = readWorld(index, 'before');
  const afterWorld = readWorld(index, 'after');
  const before = priceWorld(beforeWorld, traffic, pricer, inputs.durations);
  const after = priceWorld(afterWorld, traffic, pricer, inputs.durations);
  return {
    region,
    prices: { ...(table.file ? { file: table.file } : {}), version: table.version, cloudFrontModel: table.cloudFrontModel },
    ...(inputs.durations ? { durations: { ...(inputs.durations.file ? { file: inputs.durations.file } : {}), measured: inputs.durations.measured } } : {}),
    before,
    after,
    change: after.total - before.total,
    missing: pricer.refusals(),
    unconfirmed: pricer.unconfirmedUsed(),
    freeTier: freeTierUses(after, table),
    unknownRoutes: afterWorld.exists ? Object.keys(traffic.routes).filter((route) => !afterWorld.routes.has(route)).sort() : [],
  };
}

// ─── What the plan holds ─────────────────────────────────────────────────────────────────────────────────────────

interface FunctionPlan {
  readonly address: string;
  readonly name: string;
  readonly memoryMb: number | undefined;
  readonly arch: 'arm64' | 'x86_64';
  readonly logGroup?: LogGroup;
}

interface LogGroup {
  readonly name: string;
  /** Days; undefined when the group never expires its events. */
  readonly retentionDays: number | undefined;
}

interface RoutePlan {
  readonly integration: 'lambda' | 'gateway';
  readonly fn?: FunctionPlan;
}

interface World {
  readonly exists: boolean;
  readonly routes: ReadonlyMap<string, RoutePlan>;
  readonly stage?: {
    readonly name: string;
    readonly cache: { readonly enabled: boolean; readonly sizeGb?: string } | 'unknown';
    readonly cachedRoutes: ReadonlySet<string>;
    readonly accessLog?: LogGroup | 'no group in the plan';
  };
  readonly cdn?: { readonly priceClass: string };
  readonly tables: readonly { readonly name: string; readonly billingMode: string }[];
  readonly facts: readonly string[];
}

/**
 * The region of the plan's default AWS provider, when it is a constant.
 * @example planRegion(JSON.parse(readFileSync('plans/orders-api-dev/plan.json', 'utf8'))) // 'eu-west-1'
 */
export function planRegion(plan: PlanJson): string | undefined {
  const region = (plan.configuration?.provider_config?.aws?.expressions?.region as { constant_value?: unknown } | undefined)?.constant_value;
  return typeof region === 'string' && region !== '' ? region : undefined;
}

function readWorld(index: PlanIndex, side: Side): World {
  const str = (node: Node, ...path: (string | number)[]): string | undefined => {
    const value = valueAt(node, ...path);
    return typeof value === 'string' ? value : undefined;
  };
  const logGroups = index.all(side, 'aws_cloudwatch_log_group').map((node) => ({
    node,
    group: { name: str(node, 'name') ?? node.address, retentionDays: positive(valueAt(node, 'retention_in_days')) } satisfies LogGroup,
  }));
  const functions = index.all(side, 'aws_lambda_function').map((node): FunctionPlan => {
    const name = str(node, 'function_name') ?? node.address;
    const memory = valueAt(node, 'memory_size');
    const architectures = valueAt(node, 'architectures');
    const logGroup = logGroups.find((g) => g.group.name === `/aws/lambda/${name}`)?.group;
    return {
      address: node.address,
      name,
      memoryMb: typeof memory === 'number' ? memory : undefined,
      // Lambda's default when the plan sets none.
      arch: Array.isArray(architectures) && architectures[0] === 'arm64' ? 'arm64' : 'x86_64',
      ...(logGroup ? { logGroup } : {}),
    };
  });

  const routes = new Map<string, RoutePlan>();
  for (const route of routesOf(index, side, false).values()) {
    if (route.preflight) continue;
    const type = route.integration;
    if (type !== 'AWS_PROXY' && type !== 'AWS') {
      routes.set(route.route, { integration: 'gateway' });
      continue;
    }
    const integration = route.addresses.map((a) => index.node(side, a)).find((n) => n?.type === 'aws_api_gateway_integration');
    const target = integration && index.follow(side, integration, 'uri', ['invoke_arn']);
    const fn = (target && functions.find((f) => f.address === target.node.address)) ?? (functions.length === 1 ? functions[0] : undefined);
    routes.set(route.route, { integration: 'lambda', ...(fn ? { fn } : {}) });
  }

  const stageNode = index.all(side, 'aws_api_gateway_stage')[0];
  let stage: World['stage'];
  if (stageNode) {
    const name = str(stageNode, 'stage_name') ?? stageNode.address;
    const enabled = valueAt(stageNode, 'cache_cluster_enabled');
    const size = valueAt(stageNode, 'cache_cluster_size');
    const cache: NonNullable<World['stage']>['cache'] =
      enabled === UNKNOWN || (enabled === true && size === UNKNOWN)
        ? 'unknown'
        : { enabled: enabled === true, ...(typeof size === 'string' ? { sizeGb: size } : {}) };
    const cachedRoutes = new Set<string>();
    const settings = index
      .all(side, 'aws_api_gateway_method_settings')
      .filter((node) => str(node, 'stage_name') === name)
      // The stage-wide `*/*` first: a route's own setting overrides it.
      .sort((a, b) => Number(str(b, 'method_path') === '*/*') - Number(str(a, 'method_path') === '*/*'));
    for (const node of settings) {
      const path = str(node, 'method_path') ?? '';
      const caching = valueAt(node, 'settings', 0, 'caching_enabled') === true;
      const matched = path === '*/*' ? [...routes.keys()].filter((r) => r.startsWith('GET ')) : [methodPathRoute(path)];
      for (const route of matched) {
        if (caching) cachedRoutes.add(route);
        else cachedRoutes.delete(route);
      }
    }
    const destination = valueAt(stageNode, 'access_log_settings', 0, 'destination_arn');
    const hasAccessLog = Array.isArray(valueAt(stageNode, 'access_log_settings')) && (valueAt(stageNode, 'access_log_settings') as unknown[]).length > 0;
    let accessLog: LogGroup | 'no group in the plan' | undefined;
    if (hasAccessLog) {
      const byArn = typeof destination === 'string' ? logGroups.find((g) => valueAt(g.node, 'arn') === destination) : undefined;
      const ref = index.reference(stageNode, ['access_log_settings', 0, 'destination_arn']);
      const byRef = ref ? logGroups.find((g) => g.node.address === ref.address || g.node.address.startsWith(`${ref.address}[`)) : undefined;
      accessLog = (byArn ?? byRef)?.group ?? 'no group in the plan';
    }
    stage = { name, cache, cachedRoutes, ...(accessLog ? { accessLog } : {}) };
  }

  const distribution = index.all(side, 'aws_cloudfront_distribution').find((node) => valueAt(node, 'enabled') !== false);
  const tables = index.all(side, 'aws_dynamodb_table').map((node) => ({ name: str(node, 'name') ?? node.address, billingMode: str(node, 'billing_mode') ?? 'PROVISIONED' }));

  const facts: string[] = [];
  if (stage) {
    const cache = stage.cache === 'unknown' ? 'known after apply' : stage.cache.enabled ? `${stage.cache.sizeGb ?? '?'} GB` : 'off';
    facts.push(`stage \`${stage.name}\`: cache ${cache}${stage.cachedRoutes.size > 0 ? `, caching ${[...stage.cachedRoutes].sort().map((r) => `\`${r}\``).join(', ')}` : ''}`);
  }
  for (const fn of functions) {
    facts.push(`function \`${fn.name}\`: ${fn.memoryMb ?? '?'} MB, ${fn.arch}, logs kept ${fn.logGroup ? retention(fn.logGroup) : 'forever (no log group in the plan: Lambda makes one that never expires)'}`);
  }
  if (stage?.accessLog) facts.push(`access log: ${typeof stage.accessLog === 'string' ? stage.accessLog : `\`${stage.accessLog.name}\`, kept ${retention(stage.accessLog)}`}`);
  if (distribution) facts.push(`CloudFront in front of the API (${str(distribution, 'price_class') ?? 'PriceClass_All'})`);
  for (const table of tables) facts.push(`table \`${table.name}\`: ${table.billingMode === 'PAY_PER_REQUEST' ? 'on-demand' : table.billingMode.toLowerCase()}`);

  return {
    exists: routes.size > 0 || functions.length > 0 || stage !== undefined,
    routes,
    ...(stage ? { stage } : {}),
    ...(distribution ? { cdn: { priceClass: str(distribution, 'price_class') ?? 'PriceClass_All' } } : {}),
    tables,
    facts,
  };
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

function retention(group: LogGroup): string {
  return group.retentionDays === undefined ? 'forever' : `${group.retentionDays} days`;
}

// ─── Pricing ─────────────────────────────────────────────────────────────────────────────────────────────────────

/** Looks prices up, and remembers what was missing and which secondary figures were used. */
class Pricer {
  private readonly missing = new Map<string, Refusal>();
  private readonly secondary = new Map<PriceId, string>();

  constructor(readonly table: PriceTable) {}

  /** The price, or undefined after recording why `what` is left out. */
  get(id: PriceId, service: Service, what: string): KnownPrice | undefined {
    const price = priceOf(this.table, id);
    if ('missing' in price) {
      this.refuse(service, what, `no ${this.table.region} price (\`${id}\`: ${price.missing.replace(/\.$/, '')})`);
      return undefined;
    }
    if (!price.confirmed) this.secondary.set(id, price.source);
    return price;
  }

  refuse(service: Service, what: string, why: string): void {
    this.missing.set(`${service}\u0000${what}`, { service, what, why });
  }

  refusals(): Refusal[] {
    return [...this.missing.values()];
  }

  unconfirmedUsed(): { id: PriceId; source: string }[] {
    return [...this.secondary].map(([id, source]) => ({ id, source }));
  }
}

interface RouteFlow {
  readonly route: string;
  readonly viewerRequests: number;
  /** Requests CloudFront forwards (or all of them, without CloudFront). */
  readonly originRequests: number;
  /** Requests the function serves: origin requests the stage cache does not answer; 0 for a gateway-answered route. */
  readonly invocations: number;
  readonly plan: RoutePlan | undefined;
  readonly traffic: TrafficProfile['routes'][string];
  readonly cached: boolean;
  readonly hitRatio: number;
}

function priceWorld(world: World, traffic: TrafficProfile, pricer: Pricer, durations: LambdaDurations | undefined): WorldCost {
  if (!world.exists) return emptyWorld(false);
  const lines: CostLine[] = [];
  const add = (line: Omit<CostLine, 'cost'>, price: KnownPrice) => {
    const { cost, uses } = tiered(line.quantity, price.tiers ?? []);
    lines.push({ ...line, cost, arithmetic: `${line.arithmetic} × ${tierText(uses, price.unit)}` });
  };
  const cacheOn = world.stage && world.stage.cache !== 'unknown' && world.stage.cache.enabled;

  const flows: RouteFlow[] = Object.entries(traffic.routes).map(([route, t]) => {
    const viewerRequests = traffic.requestsPerMonth * t.share;
    const originRequests = world.cdn ? viewerRequests * (1 - traffic.edgeCacheHitRatio) : viewerRequests;
    const plan = world.routes.get(route);
    const cached = Boolean(cacheOn && world.stage?.cachedRoutes.has(route));
    const hitRatio = cached ? (t.cacheHitRatio ?? traffic.cacheHitRatio) : 0;
    const invocations = plan?.integration === 'lambda' ? originRequests * (1 - hitRatio) : 0;
    return { route, viewerRequests, originRequests, invocations, plan, traffic: t, cached, hitRatio };
  });
  const served = flows.filter((f) => f.plan);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

  // CloudFront: every viewer request, whatever the API does with it.
  if (world.cdn) {
    const geo = traffic.viewerGeography;
    const geoName = geo === 'europe' ? 'Europe' : 'United States';
    const requests = sum(flows.map((f) => f.viewerRequests));
    const price = pricer.get(`cloudFront.httpsRequests.${geo}`, 'CloudFront', 'CloudFront HTTPS requests');
    if (price) add({ service: 'CloudFront', label: `HTTPS requests (${geoName})`, price: `cloudFront.httpsRequests.${geo}`, quantity: requests, arithmetic: `${count(requests)} requests` }, price);
    const outGb = sum(flows.map((f) => (f.viewerRequests * f.traffic.responseBytes) / BYTES_PER_GB));
    const out = pricer.get(`cloudFront.dataOut.${geo}`, 'CloudFront', 'CloudFront data out');
    if (out) {
      const derivation = flows.map((f) => `${count(f.viewerRequests)} × ${count(f.traffic.responseBytes)} B`).join(' + ');
      add({ service: 'CloudFront', label: `data out to viewers (${geoName})`, price: `cloudFront.dataOut.${geo}`, quantity: outGb, arithmetic: `(${derivation}) / 2^30 = ${gb(outGb)} GB` }, out);
    }
    const uploads = flows.filter((f) => (f.traffic.requestBytes ?? 0) > 0);
    if (uploads.length > 0) {
      const toOriginGb = sum(uploads.map((f) => (f.originRequests * (f.traffic.requestBytes ?? 0)) / BYTES_PER_GB));
      const origin = pricer.get(`cloudFront.dataToOrigin.${geo}`, 'CloudFront', 'CloudFront data to the origin');
      if (origin) {
        const derivation = uploads.map((f) => `${count(f.originRequests)} × ${count(f.traffic.requestBytes ?? 0)} B`).join(' + ');
        add({ service: 'CloudFront', label: `request bodies to the API (${geoName})`, price: `cloudFront.dataToOrigin.${geo}`, quantity: toOriginGb, arithmetic: `(${derivation}) / 2^30 = ${gb(toOriginGb)} GB` }, origin);
      }
    }
  }

  // API Gateway: a REST request per origin request to a route it has, cache hits included; the cache by the hour.
  if (world.stage || world.routes.size > 0) {
    const requests = sum(served.map((f) => f.originRequests));
    const price = pricer.get('apiGateway.restRequests', 'API Gateway', 'API Gateway REST requests');
    if (price) {
      const why = world.cdn && traffic.edgeCacheHitRatio > 0 ? ` (CloudFront answers ${percent(traffic.edgeCacheHitRatio)})` : '';
      add({ service: 'API Gateway', label: 'REST requests', price: 'apiGateway.restRequests', quantity: requests, arithmetic: `${count(requests)} requests${why}` }, price);
    }
    const cache = world.stage?.cache;
    if (cache === 'unknown') pricer.refuse('API Gateway', 'API Gateway stage cache', 'its size is known only after apply');
    else if (cache?.enabled) {
      const hourly = pricer.get('apiGateway.cacheHour', 'API Gateway', 'API Gateway stage cache');
      const perHour = hourly?.bySize?.[cache.sizeGb ?? ''];
      if (hourly && perHour === undefined) pricer.refuse('API Gateway', `API Gateway stage cache (${cache.sizeGb} GB)`, `the price table has no ${cache.sizeGb} GB size`);
      else if (hourly && perHour !== undefined) {
        lines.push({
          service: 'API Gateway',
          label: `stage cache, ${cache.sizeGb} GB`,
          price: 'apiGateway.cacheHour',
          quantity: HOURS_PER_MONTH,
          cost: HOURS_PER_MONTH * perHour,
          arithmetic: `${HOURS_PER_MONTH} hours × ${usd(perHour)} per hour = ${usd(HOURS_PER_MONTH * perHour)}`,
        });
      }
    }
  }

  // Lambda: requests, and GB-seconds from the measured billed duration of each route.
  const invoked = served.filter((f) => f.invocations > 0);
  const unmapped = invoked.filter((f) => !f.plan?.fn);
  for (const flow of unmapped) pricer.refuse('Lambda', `Lambda for \`${flow.route}\``, 'the plan does not say which function serves it');
  const mapped = invoked.filter((f) => f.plan?.fn);
  if (mapped.length > 0) {
    const requests = sum(mapped.map((f) => f.invocations));
    const price = pricer.get('lambda.requests', 'Lambda', 'Lambda requests');
    if (price) {
      const derivation = mapped.some((f) => f.cached) ? ` (${mapped.map((f) => invocationText(f)).join(' + ')})` : '';
      add({ service: 'Lambda', label: 'requests', price: 'lambda.requests', quantity: requests, arithmetic: `${count(requests)} invocations${derivation}` }, price);
    }
    for (const arch of ['arm64', 'x86_64'] as const) {
      const ofArch = mapped.filter((f) => f.plan!.fn!.arch === arch);
      if (ofArch.length === 0) continue;
      const parts: string[] = [];
      let gbSeconds = 0;
      for (const flow of ofArch) {
        const fn = flow.plan!.fn!;
        const measured = durations?.routes[flow.route];
        if (!measured) {
          pricer.refuse('Lambda', `Lambda duration of \`${flow.route}\``, durations ? `no measured duration for it in ${durations.file ?? 'the durations file'}` : 'no measured durations (the API\'s cost/lambda-durations.json)');
          continue;
        }
        if (fn.memoryMb === undefined) {
          pricer.refuse('Lambda', `Lambda duration of \`${flow.route}\``, `the memory of \`${fn.name}\` is known only after apply`);
          continue;
        }
        // Lambda bills each invocation in whole milliseconds, rounded up.
        const billedMs = Math.ceil(measured.medianBilledMs);
        const seconds = flow.invocations * (billedMs / 1000) * (fn.memoryMb / 1024);
        gbSeconds += seconds;
        parts.push(`${count(flow.invocations)} × ${billedMs} ms × ${fn.memoryMb}/1024 GB`);
      }
      const id: PriceId = arch === 'arm64' ? 'lambda.durationArm' : 'lambda.durationX86';
      if (parts.length === 0) continue;
      const duration = pricer.get(id, 'Lambda', `Lambda duration (${arch})`);
      if (duration) add({ service: 'Lambda', label: `duration (${arch})`, price: id, quantity: gbSeconds, arithmetic: `(${parts.join(' + ')}) = ${count(round(gbSeconds, 3))} GB-s` }, duration);
    }
  }

  // DynamoDB: the request units each invocation consumes, on an on-demand table.
  const reads = sum(mapped.map((f) => f.invocations * (f.traffic.dynamodb?.readUnits ?? 0)));
  const writes = sum(mapped.map((f) => f.invocations * (f.traffic.dynamodb?.writeUnits ?? 0)));
  if (reads + writes > 0) {
    const onDemand = world.tables.some((t) => t.billingMode === 'PAY_PER_REQUEST');
    if (!onDemand) {
      const modes = world.tables.map((t) => `\`${t.name}\` ${t.billingMode.toLowerCase()}`).join(', ') || 'no table in the plan';
      pricer.refuse('DynamoDB', 'DynamoDB requests', `the estimate prices on-demand tables only (${modes})`);
    } else {
      const withUnits = mapped.filter((f) => f.traffic.dynamodb);
      for (const [kind, id, total] of [['read', 'dynamodb.readRequestUnits', reads], ['write', 'dynamodb.writeRequestUnits', writes]] as const) {
        if (total === 0) continue;
        const price = pricer.get(id, 'DynamoDB', `DynamoDB ${kind}s`);
        const units = (f: RouteFlow) => (kind === 'read' ? f.traffic.dynamodb!.readUnits : f.traffic.dynamodb!.writeUnits);
        const derivation = withUnits.filter((f) => units(f) > 0).map((f) => `${count(f.invocations)} × ${units(f)}`).join(' + ');
        if (price) add({ service: 'DynamoDB', label: `${kind} request units (on-demand)`, price: id, quantity: total, arithmetic: `(${derivation}) = ${count(round(total, 3))} ${kind} request units` }, price);
      }
    }
  }

  // CloudWatch Logs: each invocation's lines in the function's group, each gateway request's access log line.
  const logs: { label: string; gb: number; derivation: string; group: LogGroup | undefined }[] = [];
  const byFunction = new Map<FunctionPlan, RouteFlow[]>();
  for (const flow of mapped) byFunction.set(flow.plan!.fn!, [...(byFunction.get(flow.plan!.fn!) ?? []), flow]);
  for (const [fn, fnFlows] of byFunction) {
    const invocations = sum(fnFlows.map((f) => f.invocations));
    const gbIn = (invocations * traffic.functionLogBytesPerInvocation) / BYTES_PER_GB;
    logs.push({ label: `\`${fn.name}\``, gb: gbIn, derivation: `${count(invocations)} invocations × ${count(traffic.functionLogBytesPerInvocation)} B`, group: fn.logGroup });
  }
  const accessLog = world.stage?.accessLog;
  if (accessLog) {
    const requests = sum(served.map((f) => f.originRequests));
    const gbIn = (requests * traffic.accessLogBytesPerRequest) / BYTES_PER_GB;
    logs.push({ label: 'access log', gb: gbIn, derivation: `${count(requests)} requests × ${count(traffic.accessLogBytesPerRequest)} B`, group: typeof accessLog === 'string' ? undefined : accessLog });
  }
  if (logs.length > 0) {
    const ingestion = pricer.get('logs.ingestion', 'CloudWatch Logs', 'CloudWatch Logs ingestion');
    const storage = pricer.get('logs.storage', 'CloudWatch Logs', 'CloudWatch Logs storage');
    for (const log of logs) {
      if (ingestion) add({ service: 'CloudWatch Logs', label: `${log.label} ingested`, price: 'logs.ingestion', quantity: log.gb, arithmetic: `${log.derivation} / 2^30 = ${gb(log.gb)} GB` }, ingestion);
      if (!storage) continue;
      if (!log.group || log.group.retentionDays === undefined) {
        pricer.refuse('CloudWatch Logs', `${log.label} storage after the first month`, 'its events never expire, so what it stores grows every month; one month is priced');
      }
      const months = log.group?.retentionDays === undefined ? 1 : log.group.retentionDays / DAYS_PER_MONTH;
      const stored = log.gb * months;
      const kept = log.group?.retentionDays === undefined ? 'one month' : `${log.group.retentionDays} days / ${round(DAYS_PER_MONTH, 2)} days a month`;
      add({ service: 'CloudWatch Logs', label: `${log.label} stored`, price: 'logs.storage', quantity: stored, arithmetic: `${gb(log.gb)} GB a month × ${kept} = ${gb(stored)} GB-months (uncompressed: an upper bound)` }, storage);
    }
  }

  const byService = Object.fromEntries(SERVICES.map((s) => [s, sum(lines.filter((l) => l.service === s).map((l) => l.cost))])) as Record<Service, number>;
  return { exists: true, lines, byService, total: sum(lines.map((l) => l.cost)), facts: world.facts };
}

function emptyWorld(exists: boolean): WorldCost {
  return { exists, lines: [], byService: Object.fromEntries(SERVICES.map((s) => [s, 0])) as Record<Service, number>, total: 0, facts: [] };
}

function invocationText(flow: RouteFlow): string {
  return flow.cached ? `${count(flow.originRequests)} × (1 − ${flow.hitRatio}) \`${flow.route}\`` : `${count(flow.invocations)} \`${flow.route}\``;
}

/** What the free tiers would take off the after-plan figures: shown, never subtracted. */
function freeTierUses(after: WorldCost, table: PriceTable): FreeTierUse[] {
  const uses: FreeTierUse[] = [];
  for (const entry of table.freeTiers) {
    const lines = after.lines.filter((l) => l.price === entry.price);
    if (lines.length === 0) continue;
    const price = table.prices[entry.price];
    if (!price || !('tiers' in price) || !price.tiers) continue;
    const usage = lines.reduce((n, l) => n + l.quantity, 0);
    const free = Math.min(usage, entry.amount);
    const covers = tiered(free, price.tiers).cost;
    uses.push({
      label: lines.map((l) => `${l.service} ${l.label}`).join(', '),
      scope: entry.scope,
      note: entry.note,
      covers,
      arithmetic: `${count(round(free, 3))} of ${count(round(usage, 3))} ${plural(price.unit)} free × ${tierText(tiered(free, price.tiers).uses, price.unit)}`,
    });
  }
  return uses;
}

// ─── Numbers as the summary writes them ─────────────────────────────────────────────────────────────────────────

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * `3,000,000`; fractions kept to what matters.
 * @example count(27500.25) // '27,500.3'
 */
export function count(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: Number.isInteger(value) ? 0 : value < 10 ? 4 : 1 });
}

function gb(value: number): string {
  return value.toLocaleString('en-US', { maximumSignificantDigits: 4 });
}

function percent(ratio: number): string {
  return `${round(ratio * 100, 1)}%`;
}

/**
 * `$10.50`, `$0.0042` (small figures keep their digits), `-$1.20`.
 * @example usd(0.36) // '$0.36'
 */
export function usd(value: number): string {
  const sign = value < 0 ? '-' : '';
  const abs = Math.abs(value);
  if (abs === 0) return '$0.00';
  if (abs < 0.01) return `${sign}$${abs.toLocaleString('en-US', { maximumSignificantDigits: 2 })}`;
  return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `requests`, `GB-seconds`; data units stay as they are. */
function plural(unit: string): string {
  return /^(GB|GB-month|hour)$/.test(unit) ? unit : `${unit}s`;
}

/** A price as its page writes it: `$3.50 per 1M`, `$0.0000133334 per GB-second`. */
function unitPrice(usdValue: number, per: number, unit: string): string {
  const perText = per === 1 ? '' : per >= 1_000_000 ? `${per / 1_000_000}M ` : per >= 1000 ? `${per / 1000}k ` : `${per} `;
  return `$${usdValue.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 10 })} per ${perText}${per > 1 ? plural(unit) : unit}`;
}

function tierText(uses: readonly { quantity: number; usd: number; per: number; cost: number }[], unit: string): string {
  if (uses.length <= 1) {
    const use = uses[0];
    return use ? `${unitPrice(use.usd, use.per, unit)} = ${usd(use.cost)}` : '$0.00';
  }
  const parts = uses.map((u) => `${count(round(u.quantity, 3))} at ${unitPrice(u.usd, u.per, unit)} (${usd(u.cost)})`);
  return `tiers: ${parts.join(' + ')} = ${usd(uses.reduce((n, u) => n + u.cost, 0))}`;
}
