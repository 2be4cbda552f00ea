/**
 * Type tests: checked by `tsc` (the `typecheck` script), never run. A wrong derived type fails the typecheck, and
 * each `@ts-expect-error` fails it when the error it expects disappears.
 */
import * as v from 'valibot';
import * as z from 'zod';
import {
  createApp,
  defineRoute,
  json,
  type AnyRouteSpec,
  type CognitoAuth,
  type IamAuth,
  type LambdaAuth,
  type PathParams,
  type RequestAuth,
  type RequestFor,
} from '../src/index';

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

// `req.auth` comes from the route's `auth`.
const me = defineRoute({ method: 'GET', path: '/me', auth: { cognito: { groups: ['admins'] } } });
const feed = defineRoute({ method: 'GET', path: '/feed', auth: { lambda: 'partnerToken' } });
const jobs = defineRoute({ method: 'POST', path: '/jobs', auth: 'iam' });
const open = defineRoute({ method: 'GET', path: '/open', auth: 'none' });

export type AuthCases = [
  Expect<Equal<RequestFor<typeof me>['auth'], CognitoAuth>>,
  Expect<Equal<RequestFor<typeof feed>['auth'], LambdaAuth>>,
  Expect<Equal<RequestFor<typeof jobs>['auth'], IamAuth>>,
  Expect<Equal<RequestFor<typeof open>['auth'], undefined>>,
  Expect<Equal<RequestFor<typeof plain>['auth'], undefined>>,
  Expect<Equal<RequestFor<AnyRouteSpec>['auth'], RequestAuth | undefined>>,
];

app.handle(me, (req) => json({ sub: req.auth.sub, groups: req.auth.groups, email: req.auth.claims.email }));
app.handle(feed, (req) => json({ principal: req.auth.principalId, tenant: req.auth.context.tenant }));
app.handle(jobs, (req) => json({ arn: req.auth.userArn }));
app.handle(open, (req) => {
  // @ts-expect-error -- an open route has no caller
  req.auth.sub;
  return json({});
});

// @ts-expect-error -- not an auth kind
defineRoute({ method: 'GET', path: '/x', auth: 'cognito' });
// @ts-expect-error -- a Lambda authorizer is named
defineRoute({ method: 'GET', path: '/x', auth: { lambda: true } });
