/**
 * The traffic a stage is assumed to serve in a month, which turns a plan (what will exist) into a bill. Plain data:
 * the plan code receives a profile and never looks one up, so each API can keep its own in its config.
 */

/** Where viewers are: CloudFront prices data out and requests by the edge's geography. */
export type ViewerGeography = 'europe' | 'unitedStates';

/** One route's part of the traffic, keyed by `METHOD /path` as the route table writes it (`GET /orders/{id}`). */
export interface RouteTraffic {
  /** Share of all requests, 0..1; the shares of a profile add up to 1. */
  readonly share: number;
  /** Average response size (headers and body) sent to the viewer, in bytes. */
  readonly responseBytes: number;
  /** Average request body the viewer uploads, in bytes (CloudFront bills it as data to the origin). @default 0 */
  readonly requestBytes?: number;
  /** DynamoDB request units one invocation of the function consumes for this route. @default none */
  readonly dynamodb?: { readonly readUnits: number; readonly writeUnits: number };
  /** Share of this route's requests the stage cache answers, when the plan caches the route. @default the profile's */
  readonly cacheHitRatio?: number;
}

export interface TrafficProfile {
  /** Requests viewers send a month, all routes together. */
  readonly requestsPerMonth: number;
  readonly viewerGeography: ViewerGeography;
  /**
   * Share of requests CloudFront answers from its own cache. The API's answers carry no `Cache-Control`, so CloudFront
   * caches nothing unless the API starts to say it may.
   */
  readonly edgeCacheHitRatio: number;
  /** Share of requests to a route the stage caches that the stage cache answers (API Gateway still bills them). */
  readonly cacheHitRatio: number;
  /** Bytes written to the function's log group per invocation: START, END and REPORT lines plus the function's own. */
  readonly functionLogBytesPerInvocation: number;
  /** Bytes of the stage's access log line per request the gateway handles. */
  readonly accessLogBytesPerRequest: number;
  readonly routes: Readonly<Record<string, RouteTraffic>>;
}

/**
 * Checks a profile the way a reviewer would: shares that add up to 1 and ratios within 0..1. Throws naming the field.
 * @example checkTraffic(api.stages.dev.traffic)
 */
export function checkTraffic(profile: TrafficProfile, name = 'traffic profile'): TrafficProfile {
  const fail = (message: string): never => {
    throw new Error(`${name}: ${message}`);
  };
  const ratio = (value: number, field: string) => {
    if (!(value >= 0 && value <= 1)) fail(`${field} must be between 0 and 1, not ${value}`);
  };
  if (!(Number.isFinite(profile.requestsPerMonth) && profile.requestsPerMonth >= 0)) fail(`requestsPerMonth must be a count, not ${profile.requestsPerMonth}`);
  ratio(profile.edgeCacheHitRatio, 'edgeCacheHitRatio');
  ratio(profile.cacheHitRatio, 'cacheHitRatio');
  for (const field of ['functionLogBytesPerInvocation', 'accessLogBytesPerRequest'] as const) {
    if (!(profile[field] >= 0)) fail(`${field} must be a byte count, not ${profile[field]}`);
  }
  const entries = Object.entries(profile.routes);
  if (entries.length === 0) fail('routes is empty: say which routes the requests go to');
  for (const [route, traffic] of entries) {
    if (!/^[A-Z]+ \/\S*$/.test(route)) fail(`route "${route}" must read "METHOD /path"`);
    ratio(traffic.share, `routes["${route}"].share`);
    if (traffic.cacheHitRatio !== undefined) ratio(traffic.cacheHitRatio, `routes["${route}"].cacheHitRatio`);
    if (!(traffic.responseBytes >= 0)) fail(`routes["${route}"].responseBytes must be a byte count`);
  }
  const total = entries.reduce((sum, [, t]) => sum + t.share, 0);
  if (Math.abs(total - 1) > 1e-9) fail(`route shares add up to ${total}, not 1`);
  return profile;
}
