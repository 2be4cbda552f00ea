// A Lambda written by a team outside the repository, against the published packages only.
import * as v from 'valibot';
import { createApp, created, defineRoute, json, NotFoundError } from '@portico/http';

export const routes = {
  getUser: defineRoute({ method: 'GET', path: '/users/{id}' }),
  createUser: defineRoute({
    method: 'POST',
    path: '/users',
    body: v.object({ name: v.pipe(v.string(), v.minLength(1)), email: v.optional(v.pipe(v.string(), v.email())) }),
  }),
};

const users = new Map([['1', { id: '1', name: 'Alice' }]]);

const app = createApp();
app.handle(routes.getUser, (req) => {
  // @ts-expect-error the path names only `id`; were the package's types unresolved (any), this line would pass
  void req.params.name;
  const user = users.get(req.params.id);
  if (!user) throw new NotFoundError(`User ${req.params.id} not found`);
  return json(user);
});
app.handle(routes.createUser, (req) => {
  // @ts-expect-error the body's type comes from the schema, which has no `age`
  void req.body.age;
  const name: string = req.body.name;
  return created({ id: '2', name }, '/users/2');
});

export const handler = app.lambda();
