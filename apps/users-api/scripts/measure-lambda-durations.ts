/**
 * Measures how long the users-api function runs per route — the Lambda duration the plan's cost estimate bills — and
 * writes `cost/lambda-durations.json`. Not a test, not timed in CI: run it by hand after a change to the handler or
 * the store, and commit the file.
 *
 *   pnpm build && pnpm --filter @portico/users-api measure:durations [--invocations 201] [--warmup 30] [--users 500]
 *
 * The method is `measureLambdaDurations` (`@portico/cli/measure`): the built bundle (`dist/handler.mjs`, what Lambda
 * runs) invoked in this process after a warm-up, routes taking turns, each invocation billed as its wall time rounded
 * up to 1 ms. Its table, routes and environment come from `portico.config.ts` (`measureOptionsOf`); what is the users
 * API's own is here: `--users` users to read, list and search (and one more per DELETE, so every DELETE removes a user
 * that exists), and one request per route of the stages' traffic mixes (`traffic`), each from a caller the gateway lets
 * through (`test/support/callers.ts`: bob creates, alice deletes, a signing service counts).
 *
 * What this measures is the handler on this machine's CPU, warm. A 512 MB Lambda gets about a third of a vCPU and
 * talks to DynamoDB over the network, so real durations are longer; the file says so, and the estimate says which
 * file it read.
 */
import { describeDurations, measureLambdaDurations, measureOptionsOf, MEASURE_DEFAULTS, writeLambdaDurations } from '@portico/cli/measure';
import type { ProxyEventInit } from '@portico/http/testing';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import usersApi from '../portico.config';
import { ALICE, BOB, REPORTS_SERVICE } from '../test/support/callers';

const { values: args } = parseArgs({
  options: {
    invocations: { type: 'string', default: String(MEASURE_DEFAULTS.invocations) },
    warmup: { type: 'string', default: String(MEASURE_DEFAULTS.warmup) },
    users: { type: 'string', default: '500' },
  },
});
const INVOCATIONS = Number(args.invocations);
const WARMUP = Number(args.warmup);
const USERS = Number(args.users);

const APP_DIR = resolve(import.meta.dirname, '..');
// The bundle, the traffic's routes, the table and the dev stage's environment, from portico.config.ts.
const api = measureOptionsOf(usersApi, APP_DIR);

const readable: string[] = [];
const deletable: string[] = [];

function request(route: string, i: number): ProxyEventInit | undefined {
  switch (route) {
    case 'GET /hello':
      return { method: 'GET', path: '/hello' };
    case 'GET /users':
      return { method: 'GET', path: '/users' };
    case 'POST /users':
      return { method: 'POST', path: '/users', json: { name: 'Ada Lovelace', email: 'ada@example.com' }, auth: BOB };
    case 'GET /users/{id}':
      return { method: 'GET', path: `/users/${readable[i % readable.length]}` };
    case 'DELETE /users/{id}':
      return { method: 'DELETE', path: `/users/${deletable.pop()}`, auth: ALICE };
    case 'GET /search':
      // Matches about one user in ten: the whole table is scanned for a page of them.
      return { method: 'GET', path: `/search?q=${encodeURIComponent(`User 00${i % 5}`)}` };
    case 'GET /internal/stats':
      return { method: 'GET', path: '/internal/stats', auth: REPORTS_SERVICE };
    default:
      return undefined;
  }
}

const durations = await measureLambdaDurations({
  ...api,
  invocations: INVOCATIONS,
  warmup: WARMUP,
  writtenBy: 'apps/users-api/scripts/measure-lambda-durations.ts',
  async setup({ seed, rounds }) {
    const deletes = api.routes.includes('DELETE /users/{id}') ? rounds : 0;
    const created = await seed(USERS + deletes, (i) => ({ method: 'POST', path: '/users', json: { name: `User ${String(i).padStart(5, '0')}`, email: `user${i}@example.com` }, auth: BOB }));
    const ids = created.map((answer) => (JSON.parse(answer.body) as { id: string }).id);
    readable.push(...ids.slice(0, USERS));
    deletable.push(...ids.slice(USERS));
    return `${USERS} users in the table`;
  },
  request,
});

const file = join(APP_DIR, 'cost', 'lambda-durations.json');
writeLambdaDurations(file, durations);
console.log(`wrote apps/users-api/cost/lambda-durations.json`);
for (const line of describeDurations(durations)) console.log(line);
