/**
 * The versioned price tables the cost estimate reads: one JSON file per AWS region under `infra/cost/prices/`, read at
 * plan time from the repository (never from the network). Each price names its AWS pricing page, the day it was
 * checked and where its figure for that region was read; a price whose figure for the region could not be found is
 * recorded as `missing`, with why, and the estimate leaves that part out by name instead of borrowing another
 * region's figure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';

/** The prices the estimate knows, by id. A table may hold any of them; the estimate names the ones it lacks. */
export const PRICE_IDS = [
  'apiGateway.restRequests',
  'apiGateway.cacheHour',
  'lambda.requests',
  'lambda.durationArm',
  'lambda.durationX86',
  'cloudFront.dataOut.europe',
  'cloudFront.dataOut.unitedStates',
  'cloudFront.httpsRequests.europe',
  'cloudFront.httpsRequests.unitedStates',
  'cloudFront.dataToOrigin.europe',
  'cloudFront.dataToOrigin.unitedStates',
  'dynamodb.readRequestUnits',
  'dynamodb.writeRequestUnits',
  'logs.ingestion',
  'logs.storage',
] as const;
export type PriceId = (typeof PRICE_IDS)[number];

const Day = v.pipe(v.string(), v.isoDate('must be a date, YYYY-MM-DD'));
const Provenance = { page: v.pipe(v.string(), v.url()), checked: Day };

const Tier = v.strictObject({
  /** Cumulative quantity (in the price's unit) up to which this tier applies; the last tier has none. */
  upTo: v.optional(v.pipe(v.number(), v.minValue(0))),
  /** US dollars per `per` units. */
  usd: v.pipe(v.number(), v.minValue(0)),
  per: v.pipe(v.number(), v.minValue(1)),
});

const Known = v.strictObject({
  unit: v.string(),
  /** Ascending tiers; a flat price is one tier. */
  tiers: v.optional(v.pipe(v.array(Tier), v.minLength(1))),
  /** For a price by size (the stage cache): US dollars per unit (hour) for each size in GB, e.g. `"0.5": 0.02`. */
  bySize: v.optional(v.record(v.string(), v.pipe(v.number(), v.minValue(0)))),
  ...Provenance,
  /** Whether the figure was read for this region on AWS's page or price list (false: from a secondary source). */
  confirmed: v.boolean(),
  source: v.string(),
});

const Missing = v.strictObject({ missing: v.string(), ...Provenance });

const FreeTier = v.strictObject({
  price: v.picklist(PRICE_IDS),
  /** In the price's unit. */
  amount: v.pipe(v.number(), v.minValue(0)),
  scope: v.picklist(['every month', 'first 12 months']),
  note: v.string(),
  page: v.pipe(v.string(), v.url()),
});

const PriceTableSchema = v.strictObject({
  $comment: v.optional(v.string()),
  region: v.string(),
  currency: v.literal('USD'),
  /** The day the table was last checked as a whole. */
  version: Day,
  dataUnit: v.string(),
  cloudFrontModel: v.string(),
  prices: v.record(v.picklist(PRICE_IDS), v.union([Known, Missing])),
  freeTiers: v.array(FreeTier),
});

export type PriceTable = v.InferOutput<typeof PriceTableSchema> & { /** Where the table was read from. */ readonly file?: string };
export type KnownPrice = v.InferOutput<typeof Known>;
export type MissingPrice = v.InferOutput<typeof Missing>;
export type FreeTierEntry = v.InferOutput<typeof FreeTier>;

/** The price table's directory in the repository. */
export const PRICES_DIR = join('cost', 'prices');

/**
 * Checks a parsed price table; throws naming each bad field. A known price must have `tiers` or `bySize`.
 * @example parsePriceTable(JSON.parse(readFileSync('infra/cost/prices/eu-west-1.json', 'utf8')))
 */
export function parsePriceTable(data: unknown, file?: string): PriceTable {
  const table = parseData(PriceTableSchema, data, `Price table${file ? ` ${file}` : ''}`);
  for (const [id, price] of Object.entries(table.prices)) {
    if ('unit' in price && !price.tiers && !price.bySize) throw new Error(`Price table${file ? ` ${file}` : ''}: ${id} has neither tiers nor bySize`);
  }
  return file ? { ...table, file } : table;
}

/**
 * `data` checked against `schema`, or an error that names `what` and each bad field by its path (committed data files
 * are read by people too).
 * @example parseData(v.object({ region: v.string() }), { region: 1 }, 'Price table') // throws "region: Invalid type…"
 */
export function parseData<S extends v.GenericSchema>(schema: S, data: unknown, what: string): v.InferOutput<S> {
  const result = v.safeParse(schema, data);
  if (result.success) return result.output;
  const problems = result.issues.map((issue) => `${v.getDotPath(issue) ?? '(top level)'}: ${issue.message}`);
  throw new Error(`${what} is not valid:\n  ${problems.join('\n  ')}`);
}

/**
 * The table of `region` from `<infraDir>/cost/prices/<region>.json`, or undefined when the repository has none: the
 * estimate then refuses for that region by name.
 * @example loadPriceTable(findInfraDir(), 'eu-west-1')?.prices['logs.ingestion'] // { unit: 'GB', tiers: [{ usd: 0.57, per: 1 }], … }
 */
export function loadPriceTable(infraDir: string, region: string): PriceTable | undefined {
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) return undefined;
  const file = join(infraDir, PRICES_DIR, `${region}.json`);
  if (!existsSync(file)) return undefined;
  const table = parsePriceTable(JSON.parse(readFileSync(file, 'utf8')), join('infra', PRICES_DIR, `${region}.json`));
  if (table.region !== region) throw new Error(`${file} says it is for ${table.region}, not ${region}`);
  return table;
}

/**
 * The known price `id` of a table, or why it is not there.
 * @example priceOf(table, 'apiGateway.restRequests') // { missing: 'No eu-west-1 figure could be read: …', … }
 */
export function priceOf(table: PriceTable, id: PriceId): KnownPrice | { readonly missing: string } {
  const price = table.prices[id];
  if (!price) return { missing: `the ${table.region} price table has no entry for it` };
  return price;
}

/** One step of tiered arithmetic: `quantity` units at `usd` per `per`. */
export interface TierUse {
  readonly quantity: number;
  readonly usd: number;
  readonly per: number;
  readonly cost: number;
}

/**
 * Prices `quantity` units through ascending tiers: each tier takes what falls between the previous bound and its
 * own `upTo`.
 * @example tiered(400e6, [{ upTo: 333e6, usd: 3.5, per: 1e6 }, { usd: 2.8, per: 1e6 }]) // cost 1165.5 + 187.6
 */
export function tiered(quantity: number, tiers: readonly v.InferOutput<typeof Tier>[]): { cost: number; uses: TierUse[] } {
  const uses: TierUse[] = [];
  let from = 0;
  for (const tier of tiers) {
    const to = tier.upTo ?? Number.POSITIVE_INFINITY;
    const inTier = Math.max(0, Math.min(quantity, to) - from);
    if (inTier > 0 || uses.length === 0) uses.push({ quantity: inTier, usd: tier.usd, per: tier.per, cost: (inTier / tier.per) * tier.usd });
    from = to;
    if (quantity <= to) break;
  }
  return { cost: uses.reduce((sum, use) => sum + use.cost, 0), uses };
}
