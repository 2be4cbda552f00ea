/**
 * Measured Lambda durations per route: each API's `cost/lambda-durations.json`, written by the app's own measuring
 * script (its built bundle invoked in process against dynalite) and read by the cost estimate. Measured, never
 * guessed: a route without a measurement is left out of the duration bill by name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { parseData } from './prices';

const RouteDuration = v.strictObject({
  /** Median wall time of one invocation, in milliseconds. */
  medianMs: v.pipe(v.number(), v.minValue(0)),
  /** Median of the invocations' billed durations: each rounded up to Lambda's 1 ms granularity. */
  medianBilledMs: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** 90th percentile of the billed durations. */
  p90BilledMs: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /** Median size of the answer a viewer receives (status line, headers, body), in bytes: the traffic's response size. */
  medianResponseBytes: v.pipe(v.number(), v.integer(), v.minValue(0)),
  /** The status codes the measured invocations answered (a route measured on errors would mislead). */
  statuses: v.array(v.number()),
});

const DurationsSchema = v.strictObject({
  $comment: v.optional(v.string()),
  measured: v.pipe(v.string(), v.isoDate()),
  bundle: v.string(),
  bundleSha256: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  node: v.string(),
  cpu: v.string(),
  method: v.string(),
  invocationsPerRoute: v.pipe(v.number(), v.integer(), v.minValue(1)),
  routes: v.record(v.string(), RouteDuration),
});

export type LambdaDurations = v.InferOutput<typeof DurationsSchema> & { readonly file?: string };

/** Where an API keeps its measurements unless its config says otherwise (`durations`), under its folder. */
export const DURATIONS_FILE = join('cost', 'lambda-durations.json');

/**
 * Checks parsed measurements; throws naming each bad field.
 * @example parseDurations(JSON.parse(readFileSync('apps/orders-api/cost/lambda-durations.json', 'utf8'))).routes['GET /hello']
 */
export function parseDurations(data: unknown, file?: string): LambdaDurations {
  const durations = parseData(DurationsSchema, data, `Lambda durations${file ? ` ${file}` : ''}`);
  return file ? { ...durations, file } : durations;
}

/**
 * An API's committed measurements (`<app>/cost/lambda-durations.json`, or the file its config names), or undefined
 * when there are none (the estimate then names every route it cannot bill).
 * @param shownAs how the estimate names the file, e.g. `apps/orders-api/cost/lambda-durations.json`
 * @example loadDurations('/repo/apps/orders-api')?.routes['GET /orders']?.medianBilledMs // 7
 */
export function loadDurations(appDir: string, file = DURATIONS_FILE, shownAs = file): LambdaDurations | undefined {
  const path = join(appDir, file);
  if (!existsSync(path)) return undefined;
  return parseDurations(JSON.parse(readFileSync(path, 'utf8')), shownAs);
}
