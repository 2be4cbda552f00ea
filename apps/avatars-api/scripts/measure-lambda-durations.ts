/**
 * Measures how long the avatars-api function runs per route — the Lambda duration the plan's cost estimate bills — and
 * writes `cost/lambda-durations.json`. Not a test, not timed in CI: run it by hand after a change to the handler, the
 * store or the image checks, and commit the file.
 *
 *   pnpm build && pnpm --filter @portico/avatars-api measure:durations [--invocations 201] [--warmup 30] [--avatars 50]
 *                                                                      [--png file.png] [--jpeg file.jpg]
 *
 * The method is `measureLambdaDurations` (`@portico/cli/measure`): the built bundle (`dist/handler.mjs`, what Lambda
 * runs) invoked in this process after a warm-up, routes taking turns, each invocation billed as its wall time rounded
 * up to 1 ms. Its table, routes and environment come from `portico.config.ts` (`measureOptionsOf`); what is the avatars
 * API's own is here: `--avatars` avatars uploaded through the API to read (PNG and JPEG in turn: the test fixtures
 * unless `--png`/`--jpeg` name others), one more per DELETE so every DELETE removes an avatar that exists, and one
 * request per route of the stages' traffic mixes (`traffic`):
 *
 * - `GET /avatars/{userId}` with `Accept: image/*`, as the client and an `<img>` ask: the bytes, base64 in the result;
 * - `GET /avatars/{userId}/info`;
 * - `PUT /avatars/{userId}`, a new avatar and a replaced one in turn (a replace is a refused conditional write, then
 *   a plain one), PNG and JPEG in turn;
 * - `DELETE /avatars/{userId}` of an avatar that exists;
 * - `ANY /{proxy+}`: a path the API does not have, answered with a 404 problem.
 *
 * What this measures is the handler on this machine's CPU, warm. A 512 MB Lambda gets about a third of a vCPU and
 * talks to DynamoDB over the network, so real durations are longer; the file says so, and the estimate says which
 * file it read.
 */
import { describeDurations, measureLambdaDurations, measureOptionsOf, MEASURE_DEFAULTS, writeLambdaDurations } from '@portico/cli/measure';
import type { ProxyEventInit } from '@portico/http/testing';
import { readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import avatarsApi from '../portico.config';
import type { AvatarType } from '../src/routes';

const APP_DIR = resolve(import.meta.dirname, '..');
const { values: args } = parseArgs({
  options: {
    invocations: { type: 'string', default: String(MEASURE_DEFAULTS.invocations) },
    warmup: { type: 'string', default: String(MEASURE_DEFAULTS.warmup) },
    avatars: { type: 'string', default: '50' },
    png: { type: 'string', default: join(APP_DIR, 'test', 'fixtures', 'avatar.png') },
    jpeg: { type: 'string', default: join(APP_DIR, 'test', 'fixtures', 'avatar.jpg') },
  },
});
const INVOCATIONS = Number(args.invocations);
const WARMUP = Number(args.warmup);
const AVATARS = Number(args.avatars);

// The bundle, the traffic's routes, the table and the dev stage's environment, from portico.config.ts.
const api = measureOptionsOf(avatarsApi, APP_DIR);
const IMAGES: ReadonlyArray<{ type: AvatarType; bytes: Buffer; file: string }> = [
  { type: 'image/png', bytes: readFileSync(args.png), file: args.png },
  { type: 'image/jpeg', bytes: readFileSync(args.jpeg), file: args.jpeg },
];

/**
 * The partner authorizer's answer as API Gateway passes it to the function: writes reach the handler only with one
 * (the authorizer itself runs at the gateway, in its own function, and is not measured here).
 */
const PARTNER = { principalId: 'measure-partner', context: { partnerId: 'measure-partner', partnerName: 'Measure' } };

const readable: string[] = [];
const deletable: string[] = [];

const upload = (userId: string, n: number): ProxyEventInit => {
  const image = IMAGES[n % IMAGES.length]!;
  return { method: 'PUT', path: `/avatars/${userId}`, headers: { 'Content-Type': image.type }, body: image.bytes, auth: { lambda: PARTNER } };
};

function request(route: string, i: number): ProxyEventInit | undefined {
  const someone = readable[i % readable.length]!;
  switch (route) {
    case 'GET /avatars/{userId}':
      return { method: 'GET', path: `/avatars/${someone}`, headers: { Accept: 'image/*' } };
    case 'GET /avatars/{userId}/info':
      return { method: 'GET', path: `/avatars/${someone}/info` };
    case 'PUT /avatars/{userId}':
      // New and replaced in turn, and PNG and JPEG in turn across both.
      return upload(i % 2 === 0 ? `new-${i}` : someone, Math.floor(i / 2));
    case 'DELETE /avatars/{userId}':
      return { method: 'DELETE', path: `/avatars/${deletable.pop()}`, auth: { lambda: PARTNER } };
    case 'ANY /{proxy+}':
      return { method: 'GET', path: `/avatar/${someone}` };
    default:
      return undefined;
  }
}

const durations = await measureLambdaDurations({
  ...api,
  invocations: INVOCATIONS,
  warmup: WARMUP,
  writtenBy: 'apps/avatars-api/scripts/measure-lambda-durations.ts',
  async setup({ seed, rounds }) {
    const deletes = api.routes.includes('DELETE /avatars/{userId}') ? rounds : 0;
    const userIds = Array.from({ length: AVATARS + deletes }, (_, i) => `user-${String(i).padStart(5, '0')}`);
    await seed(userIds.length, (i) => upload(userIds[i]!, i));
    readable.push(...userIds.slice(0, AVATARS));
    deletable.push(...userIds.slice(AVATARS));
    const images = IMAGES.map(({ type, bytes, file }) => `${relative(APP_DIR, file)} (${type}, ${bytes.length} B)`).join(' and ');
    return `${AVATARS} avatars to read, ${images} in turn; PUT a new avatar and a replaced one in turn`;
  },
  request,
});

writeLambdaDurations(join(APP_DIR, 'cost', 'lambda-durations.json'), durations);
console.log('wrote apps/avatars-api/cost/lambda-durations.json');
for (const line of describeDurations(durations)) console.log(line);
