/**
 * Type tests: checked by `tsc` (the `typecheck` script), never run. A wrong derived type fails the typecheck, and
 * each `@ts-expect-error` fails it when the error it expects disappears.
 */
import * as v from 'valibot';
import * as z from 'zod';
import { createApp, defineRoute, json, type PathParams, type RequestFor } from '../src/index';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Expect<T extends true> = T;

// Path parameters come from the route string.
export type Cases = [
  Expect<Equal<PathParams<'/users/{id}'>, { id: string }>>,
  Expect<Equal<PathParams<'/orgs/{org}/users/{user}'>, { org: string; user: string }>>,
  Expect<Equal<PathParams<'/files/{proxy+}'>, { proxy: string }>>,
  Expect<Equal<PathParams<'/a/{x}/b/{rest+}'>, { x: string; rest: string }>>,
  Expect<Equal<PathParams<'/hello'>, {}>>,
];

// Body and query types come from the schemas, whichever Standard Schema library wrote them (valibot, zod).
const createUser = defineRoute({
  method: 'POST',
  path: '/orgs/{org}/users',
  body: v.object({ name: v.pipe(v.string(), v.trim()), email: v.optional(v.string()) }),
  query: v.object({ dryRun: v.optional(v.string()) }),
});
const classic = defineRoute({ method: 'PUT', path: '/tags/{tag}', body: z.object({ count: z.number() }) });
const plain = defineRoute({ method: 'GET', path: '/hello' });

export type SchemaCases = [
  Expect<Equal<RequestFor<typeof createUser>['body'], { name: string; email?: string | undefined }>>,
  Expect<Equal<RequestFor<typeof createUser>['query'], { dryRun?: string | undefined }>>,
  Expect<Equal<RequestFor<typeof createUser>['params'], { org: string }>>,
  Expect<Equal<RequestFor<typeof classic>['body'], { count: number }>>,
  Expect<Equal<RequestFor<typeof plain>['body'], undefined>>,
  Expect<Equal<RequestFor<typeof plain>['query'], Record<string, string>>>,
];

// Handlers see the same types.
const app = createApp();
app.handle(createUser, (req) => {
  const name: string = req.body.name;
  const org: string = req.params.org;
  // @ts-expect-error -- no such path parameter
  req.params.id;
  // @ts-expect-error -- not in the body schema
  req.body.age;
  return json({ name, org });
});
app.handle(classic, (req) => json(req.body.count + 1));

// @ts-expect-error -- not an HTTP method
defineRoute({ method: 'FETCH', path: '/x' });
