/**
 * The monthly cost estimate of recorded plans of the fixture API's dev stack (`test/fixtures/recorded-plans/`): pinned
 * against figures worked out by hand for a known traffic profile, the change a PR makes when it grows the stage cache
 * or doubles the function's memory, and what the estimate refuses to price rather than guess.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { estimateCost, type CostInputs } from '../src/plan/cost';
import { renderCostEstimate } from '../src/plan/cost-summary';
import { loadDurations, parseDurations, type LambdaDurations } from '../src/plan/durations';
import type { PlanJson } from '../src/plan/plan-json';
import { loadPriceTable, parsePriceTable, tiered, type KnownPrice, type PriceTable } from '../src/plan/prices';
import { checkTraffic, type TrafficProfile } from '../src/plan/traffic';
import { EXAMPLE_API } from './fixtures/example-api/portico.config';

const INFRA = join(__dirname, '..');
const plan = (name: string): PlanJson => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'recorded-plans', name), 'utf8')) as PlanJson;
/** Every price known (test figures, see the file's comment), so every part of the bill is priced. */
const COMPLETE: PriceTable = parsePriceTable(JSON.parse(readFileSync(join(__dirname, 'fixtures', 'cost', 'prices-complete.json'), 'utf8')));

/** Round figures, so the arithmetic below can be done by hand. */
const PROFILE: TrafficProfile = {
  requestsPerMonth: 10_000_000,
  viewerGeography: 'europe',
  edgeCacheHitRatio: 0,
  cacheHitRatio: 0.5,
  functionLogBytesPerInvocation: 1024,
  accessLogBytesPerRequest: 512,
  routes: {
    'GET /users/{id}': { share: 0.5, responseBytes: 1024, dynamodb: { readUnits: 0.5, writeUnits: 0 } },
    'GET /search': { share: 0.3, responseBytes: 2048, dynamodb: { readUnits: 10, writeUnits: 0 } },
    'POST /users': { share: 0.2, responseBytes: 512, requestBytes: 256, dynamodb: { readUnits: 0, writeUnits: 1 } },
  },
};

const route = (medianBilledMs: number) => ({ medianMs: medianBilledMs - 0.5, medianBilledMs, p90BilledMs: medianBilledMs, medianResponseBytes: 0, statuses: [200] });
const DURATIONS: LambdaDurations = parseDurations({
  measured: '2026-12-07',
  bundle: 'apps/users-api/dist/handler.mjs',
  bundleSha256: '0'.repeat(64),
  node: 'v22',
  cpu: 'test',
  method: 'test figures',
  invocationsPerRoute: 1,
  routes: { 'GET /users/{id}': route(3), 'GET /search': route(20), 'POST /users': route(5) },
});

const inputs = (overrides: Partial<CostInputs> = {}): CostInputs => ({ traffic: PROFILE, prices: () => COMPLETE, durations: DURATIONS, ...overrides });
const cents = (value: number) => Math.round(value * 100) / 100;

describe('the estimate of a first plan, for a known traffic profile', () => {
  // The dev stack as planned: 512 MB arm64 function, stage cache 0.5 GB caching GET /search and GET /users, logs kept
  // 7 days (function and access log), CloudFront in front, an on-demand table. Nothing exists yet.
  const estimate = estimateCost(plan('dev-first.plan.json'), inputs());

  it('prices every service as worked out by hand', () => {
    // Requests a month: GET /users/{id} 5,000,000; GET /search 3,000,000; POST /users 2,000,000.
    //
    // CloudFront (every viewer request; CloudFront caches nothing, edge hit ratio 0):
    //   requests   10,000,000 / 10,000 × $0.012                                   = $12.00
    //   data out   (5M × 1024 + 3M × 2048 + 2M × 512) B = 12,288,000,000 B
    //              / 2^30 = 11.444091796875 GB × $0.085                          = $0.972747802734375
    //   to origin  2M × 256 B = 512,000,000 B / 2^30 = 0.476837158203125 GB × $0.02 = $0.0095367431640625
    //                                                                          sum $12.9822845458984375
    // API Gateway (every origin request, stage-cache hits included; the cache by the hour):
    //   requests   10M × $3.50 per 1M                                             = $35.00
    //   cache      730 h × $0.020 (0.5 GB)                                        = $14.60
    //                                                                          sum $49.60
    // Lambda (cache misses only: GET /search is cached, half its requests hit):
    //   invocations 5M + 3M × (1 − 0.5) + 2M = 8,500,000 × $0.20 per 1M           = $1.70
    //   GB-s       5M × 0.003 s × 0.5 GB + 1.5M × 0.020 × 0.5 + 2M × 0.005 × 0.5
    //              = 7,500 + 15,000 + 5,000 = 27,500 GB-s × $0.0000133334          = $0.3666685
    //                                                                          sum $2.0666685
    // DynamoDB (per invocation):
    //   reads      5M × 0.5 + 1.5M × 10 = 17,500,000 × $0.125 per 1M               = $2.1875
    //   writes     2M × 1 = 2,000,000 × $0.625 per 1M                             = $1.25
    //                                                                          sum $3.4375
    // CloudWatch Logs (kept 7 days = 7 / (730 / 24) = 0.230137 of a month):
    //   function   8.5M × 1024 B / 2^30 = 8.106231689453125 GB × $0.50            = $4.0531158447265625
    //              stored 8.106231689453125 × 0.230137 = 1.865544 GB-months × $0.03 = $0.0559663
    //   access log 10M × 512 B / 2^30 = 4.76837158203125 GB × $0.50               = $2.384185791015625
    //              stored 4.76837158203125 × 0.230137 = 1.097379 GB-months × $0.03  = $0.0329214
    //                                                                          sum $6.5261893
    // Total: 12.9822845 + 49.60 + 2.0666685 + 3.4375 + 6.5261893                   = $74.6126423
    expect(estimate.refused).toBeUndefined();
    expect(estimate.missing).toEqual([]);
    expect(estimate.after.byService['CloudFront']).toBeCloseTo(12.9822845458984375, 9);
    expect(estimate.after.byService['API Gateway']).toBeCloseTo(49.6, 9);
    expect(estimate.after.byService['Lambda']).toBeCloseTo(2.0666685, 9);
    expect(estimate.after.byService['DynamoDB']).toBeCloseTo(3.4375, 9);
    expect(estimate.after.byService['CloudWatch Logs']).toBeCloseTo(6.5261893, 6);
    expect(estimate.after.total).toBeCloseTo(74.6126423, 6);
    expect(cents(estimate.after.total)).toBe(74.61);
  });

  it('compares with the current state: nothing deployed, so the change is the whole bill', () => {
    expect(estimate.before).toMatchObject({ exists: false, total: 0 });
    expect(estimate.change).toBeCloseTo(estimate.after.total, 9);
  });

  it('reads what it prices from the plan, and says so', () => {
    expect(estimate.region).toBe('eu-west-1');
    expect(estimate.after.facts).toEqual([
      'stage `dev`: cache 0.5 GB, caching `GET /search`, `GET /users`',
      'function `example-api-dev-handler`: 512 MB, arm64, logs kept 7 days',
      'access log: `/aws/apigateway/example-api-dev/dev`, kept 7 days',
      'CloudFront in front of the API (PriceClass_100)',
      'table `example-api-dev-users`: on-demand',
    ]);
  });

  it('shows the free tiers apart and never subtracts them', () => {
    const lambda = estimate.freeTier.find((f) => f.label === 'Lambda requests');
    // 1,000,000 of 8,500,000 requests free: 1M × $0.20 per 1M.
    expect(lambda).toMatchObject({ scope: 'every month' });
    expect(lambda!.covers).toBeCloseTo(0.2, 9);
    const apiCalls = estimate.freeTier.find((f) => f.label === 'API Gateway REST requests');
    expect(apiCalls).toMatchObject({ scope: 'first 12 months' });
    expect(apiCalls!.covers).toBeCloseTo(3.5, 9);
    expect(estimate.after.total).toBeCloseTo(74.6126423, 6);
  });

  it('renders the total, the services, and the arithmetic folded, line by line', () => {
    const markdown = renderCostEstimate(estimate, { requestsPerMonth: PROFILE.requestsPerMonth, trafficSource: 'the test profile' });

    expect(markdown.startsWith('#### Monthly cost estimate\n\n**$74.61 a month** after this plan; **+$74.61** against the current state (nothing deployed).\n')).toBe(true);
    expect(markdown).toContain('| API Gateway | $0.00 | $49.60 | +$49.60 |');
    expect(markdown).toContain('| **total** | **$0.00** | **$74.61** | **+$74.61** |');
    expect(markdown).toContain('<details><summary>How the estimate is computed</summary>');
    expect(markdown).toContain('- API Gateway, stage cache, 0.5 GB: 730 hours × $0.02 per hour = $14.60');
    expect(markdown).toContain('- API Gateway, REST requests: 10,000,000 requests × $3.50 per 1M requests = $35.00');
    expect(markdown).toContain('- Lambda, duration (arm64): (5,000,000 × 3 ms × 512/1024 GB + 1,500,000 × 20 ms × 512/1024 GB + 2,000,000 × 5 ms × 512/1024 GB) = 27,500 GB-s × $0.0000133334 per GB-second = $0.37');
    expect(markdown.trimEnd().endsWith('</details>')).toBe(true);
    expect(markdown).not.toContain('[!WARNING]');
  });
});

describe('the change a PR makes', () => {
  it('grows the stage cache 0.5 → 1.6 GB: +730 h × ($0.038 − $0.020) = +$13.14, and nothing else moves', () => {
    const estimate = estimateCost(plan('dev-cache-1.6.plan.json'), inputs());

    expect(estimate.before.exists).toBe(true);
    expect(estimate.before.lines.find((l) => l.price === 'apiGateway.cacheHour')).toMatchObject({ label: 'stage cache, 0.5 GB', cost: 730 * 0.02 });
    expect(estimate.after.lines.find((l) => l.price === 'apiGateway.cacheHour')).toMatchObject({ label: 'stage cache, 1.6 GB', cost: 730 * 0.038 });
    expect(estimate.change).toBeCloseTo(13.14, 9);
    for (const service of ['Lambda', 'CloudFront', 'DynamoDB', 'CloudWatch Logs'] as const) {
      expect(estimate.after.byService[service]).toBeCloseTo(estimate.before.byService[service], 9);
    }
    expect(renderCostEstimate(estimate)).toContain('| API Gateway | $49.60 | $62.74 | +$13.14 |');
  });

  it('doubles the memory 512 → 1024 MB: the duration bill doubles, +27,500 GB-s × $0.0000133334 = +$0.3666685', () => {
    const estimate = estimateCost(plan('dev-memory-1024.plan.json'), inputs());
    const duration = (cost: typeof estimate.before) => cost.lines.find((l) => l.price === 'lambda.durationArm')!;

    expect(duration(estimate.before).quantity).toBeCloseTo(27_500, 9);
    expect(duration(estimate.after).quantity).toBeCloseTo(55_000, 9);
    expect(estimate.change).toBeCloseTo(0.3666685, 9);
    expect(estimate.after.facts).toContain('function `example-api-dev-handler`: 1024 MB, arm64, logs kept 7 days');
    expect(estimate.before.facts).toContain('function `example-api-dev-handler`: 512 MB, arm64, logs kept 7 days');
    expect(renderCostEstimate(estimate)).toContain('| Lambda | $2.07 | $2.43 | +$0.37 |');
  });
});

describe('what the estimate will not guess', () => {
  it('refuses a region it has no price table for, naming it, and uses no other region\'s prices', () => {
    const elsewhere = plan('dev-first.plan.json');
    const aws = elsewhere.configuration!.provider_config!.aws!;
    const moved: PlanJson = {
      ...elsewhere,
      configuration: { ...elsewhere.configuration, provider_config: { aws: { ...aws, expressions: { ...aws.expressions, region: { constant_value: 'ap-south-2' } } } } },
    };

    const estimate = estimateCost(moved, inputs({ prices: (region) => loadPriceTable(INFRA, region) }));

    expect(estimate.refused).toBe('no price table for ap-south-2 (infra/cost/prices/ap-south-2.json): prices differ by region, and no other region\'s are used');
    expect(estimate.after.lines).toEqual([]);
    expect(renderCostEstimate(estimate)).toBe(`#### Monthly cost estimate\n\nNot estimated: ${estimate.refused}.\n`);
  });

  it('leaves out, by name, each price the eu-west-1 table lacks, and flags the ones from a secondary source', () => {
    const estimate = estimateCost(plan('dev-first.plan.json'), inputs({ prices: (region) => loadPriceTable(INFRA, region) }));

    expect(estimate.missing.map((m) => m.what)).toEqual(['API Gateway REST requests', 'API Gateway stage cache', 'DynamoDB reads', 'DynamoDB writes']);
    expect(estimate.missing[0]!.why).toMatch(/^no eu-west-1 price \(`apiGateway\.restRequests`: No eu-west-1 figure could be read/);
    expect(estimate.after.byService['API Gateway']).toBe(0);
    expect(estimate.after.lines.map((l) => l.price)).not.toContain('apiGateway.restRequests');
    expect(estimate.unconfirmed.map((u) => u.id).sort()).toEqual(['cloudFront.dataToOrigin.europe', 'cloudFront.httpsRequests.europe', 'lambda.durationArm', 'lambda.requests']);
    const markdown = renderCostEstimate(estimate);
    expect(markdown).toContain('| API Gateway ⚠️ | not priced | not priced | — |');
    expect(markdown).toContain('> - Not priced — API Gateway REST requests: no eu-west-1 price');
    expect(markdown).toContain('Partial: some parts are not priced (below).');
  });

  it('prices no Lambda duration without a measurement, naming the route', () => {
    const { 'GET /search': _search, ...rest } = DURATIONS.routes;
    const estimate = estimateCost(plan('dev-first.plan.json'), inputs({ durations: { ...DURATIONS, routes: rest } }));

    expect(estimate.missing).toEqual([{ service: 'Lambda', what: 'Lambda duration of `GET /search`', why: 'no measured duration for it in the durations file' }]);
    // 27,500 GB-s less GET /search's 15,000.
    expect(estimate.after.lines.find((l) => l.price === 'lambda.durationArm')!.quantity).toBeCloseTo(12_500, 9);
  });

  it('names a traffic route the plan does not have, and prices only its CloudFront side', () => {
    const traffic: TrafficProfile = { ...PROFILE, routes: { ...PROFILE.routes, 'POST /users': { share: 0.1, responseBytes: 512 }, 'PUT /users/{id}': { share: 0.1, responseBytes: 512 } } };

    const estimate = estimateCost(plan('dev-first.plan.json'), inputs({ traffic }));

    expect(estimate.unknownRoutes).toEqual(['PUT /users/{id}']);
    // API Gateway counts only the 9,000,000 requests to routes it has: 9 × $3.50.
    expect(estimate.after.lines.find((l) => l.price === 'apiGateway.restRequests')!.cost).toBeCloseTo(31.5, 9);
    expect(estimate.after.lines.find((l) => l.price === 'cloudFront.httpsRequests.europe')!.quantity).toBe(10_000_000);
  });

  it('rejects a traffic profile whose shares do not add up', () => {
    const traffic = { ...PROFILE, routes: { ...PROFILE.routes, 'POST /users': { share: 0.3, responseBytes: 512 } } };

    expect(() => estimateCost(plan('dev-first.plan.json'), inputs({ traffic }))).toThrow('route shares add up to 1.1, not 1');
  });
});

describe('the committed inputs', () => {
  it('the eu-west-1 price table records a page and a check date for every price', () => {
    const table = loadPriceTable(INFRA, 'eu-west-1')!;

    for (const [id, price] of Object.entries(table.prices)) {
      expect([id, price.page]).toEqual([id, expect.stringMatching(/^https:\/\/aws\.amazon\.com\//)]);
      expect(price.checked).toBe('2026-12-07');
    }
    expect(table.cloudFrontModel).toMatch(/^pay-as-you-go/);
  });

  it('reads an API\'s measured durations from its folder; the fixture\'s cover every route of every stage\'s traffic', () => {
    const durations = loadDurations(EXAMPLE_API.dir)!;

    for (const [stage, { traffic: profile }] of Object.entries(EXAMPLE_API.config.stages)) {
      expect(() => checkTraffic(profile!, stage)).not.toThrow();
      for (const name of Object.keys(profile!.routes)) expect([stage, name, durations.routes[name]?.medianBilledMs]).toEqual([stage, name, expect.any(Number)]);
    }
  });

  it('tiers split a quantity at their bounds', () => {
    // 400M REST requests: 333M × $3.50 per 1M + 67M × $2.80 per 1M = $1,165.50 + $187.60.
    const { cost, uses } = tiered(400e6, (COMPLETE.prices['apiGateway.restRequests'] as KnownPrice).tiers!);

    expect(uses.map((u) => u.quantity)).toEqual([333e6, 67e6]);
    expect(cost).toBeCloseTo(1165.5 + 187.6, 6);
  });
});

