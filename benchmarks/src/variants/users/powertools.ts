/**
 * Powertools for AWS Lambda (TypeScript) event-handler `http` Router with its `cors` middleware. Handlers read the
 * Web Request the router builds from the event (`reqCtx.req`) and return plain objects or proxy-shaped results.
 */
import * as v from 'valibot';
import { BadRequestError, NotFoundError, Router } from '@aws-lambda-powertools/event-handler/http';
import { cors } from '@aws-lambda-powertools/event-handler/http/middleware';
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { CORS, CreateUser, parseLimit, store } from '../../shared/users';

const app = new Router();

app.use(
  cors({ origin: [CORS.origin], allowMethods: [...CORS.methods], allowHeaders: [...CORS.headers], maxAge: CORS.maxAge }),
);

app.get('/hello', () => ({ message: 'Hello, World!' }));
app.get('/users', ({ req }) => {
  const limit = parseLimit(new URL(req.url).searchParams.get('limit') ?? undefined);
  if (limit === undefined) throw new BadRequestError('limit must be an integer between 1 and 100');
  return store.list(limit) as never;
});
app.post('/users', async ({ req }) => {
  const result = v.safeParse(CreateUser, await req.json());
  if (!result.success) throw new BadRequestError('Request body is invalid');
  const user = store.create(result.output);
  return { statusCode: 201, headers: { 'content-type': 'application/json', location: `/users/${user.id}` }, body: user as never };
});
app.get('/users/:id', ({ params }) => {
  const user = store.get(params.id!);
  if (!user) throw new NotFoundError(`User ${params.id} not found`);
  return user as never;
});
app.get('/search', ({ req }) => {
  const query = new URL(req.url).searchParams;
  const q = query.get('q') ?? '';
  const limit = parseLimit(query.get('limit') ?? undefined);
  if (limit === undefined) throw new BadRequestError('limit must be an integer between 1 and 100');
  return { query: q, limit, results: store.search(q, limit) } as never;
});

export const handler = (event: APIGatewayProxyEvent, context: Context) => app.resolve(event, context);
