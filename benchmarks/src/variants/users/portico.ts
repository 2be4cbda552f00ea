/**
 * @portico/http as users-api uses it: route specs as data, the shared schema on the create route, CORS allowlist in
 * the app options, problem JSON errors from the package.
 */
import { BadRequestError, createApp, created, defineRoute, json, NotFoundError } from '@portico/http';
import { CORS, CreateUser, parseLimit, store } from '../../shared/users';

const routes = {
  hello: defineRoute({ method: 'GET', path: '/hello' }),
  listUsers: defineRoute({ method: 'GET', path: '/users' }),
  createUser: defineRoute({ method: 'POST', path: '/users', body: CreateUser }),
  getUser: defineRoute({ method: 'GET', path: '/users/{id}' }),
  search: defineRoute({ method: 'GET', path: '/search' }),
} as const;

const app = createApp({
  cors: { origins: [CORS.origin], methods: CORS.methods, allowHeaders: CORS.headers, maxAge: CORS.maxAge },
});

app.handle(routes.hello, () => json({ message: 'Hello, World!' }));
app.handle(routes.listUsers, (req) => {
  const limit = parseLimit(req.query.limit);
  if (limit === undefined) throw new BadRequestError('limit must be an integer between 1 and 100');
  return json(store.list(limit));
});
app.handle(routes.createUser, (req) => {
  const user = store.create(req.body);
  return created(user, `/users/${user.id}`);
});
app.handle(routes.getUser, (req) => {
  const user = store.get(req.params.id);
  if (!user) throw new NotFoundError(`User ${req.params.id} not found`);
  return json(user);
});
app.handle(routes.search, (req) => {
  const q = req.query.q ?? '';
  const limit = parseLimit(req.query.limit);
  if (limit === undefined) throw new BadRequestError('limit must be an integer between 1 and 100');
  return json({ query: q, limit, results: store.search(q, limit) });
});

export const handler = app.lambda();
