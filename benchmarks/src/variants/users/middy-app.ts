/**
 * The users app on Middy as its docs suggest for a REST API: one middy() around http-router, CORS and the error
 * handler on the outside, the JSON body parser only on the route that takes a body. Defaults kept, so its statuses
 * are Middy's own. Built from a kit so Middy 7 and Middy 6 run the same code.
 */
import * as v from 'valibot';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { CORS, CreateUser, parseLimit, store } from '../../shared/users';
import type { MiddyKit } from '../middy-kit';

type Event = APIGatewayProxyEvent;
const json = (statusCode: number, body: unknown, headers?: Record<string, string>): APIGatewayProxyResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The users app's Lambda handler on the Middy major `kit` holds. */
export function createUsersHandler(kit: MiddyKit): (event: Event, context: unknown) => Promise<APIGatewayProxyResult> {
  const { middy, httpCors, httpErrorHandler, httpJsonBodyParser, httpRouterHandler, createError } = kit;
  const badLimit = () => createError(400, 'limit must be an integer between 1 and 100');

  const createUser = middy()
    .use(httpJsonBodyParser())
    .handler(async (event: Event) => {
      const result = v.safeParse(CreateUser, event.body);
      if (!result.success) throw createError(400, 'Request body is invalid', { cause: result.issues });
      const user = store.create(result.output);
      return json(201, user, { location: `/users/${user.id}` });
    });

  const routes = [
    { method: 'GET' as const, path: '/hello', handler: async () => json(200, { message: 'Hello, World!' }) },
    {
      method: 'GET' as const,
      path: '/users',
      handler: async (event: Event) => {
        const limit = parseLimit(event.queryStringParameters?.limit);
        if (limit === undefined) throw badLimit();
        return json(200, store.list(limit));
      },
    },
    { method: 'POST' as const, path: '/users', handler: createUser },
    {
      method: 'GET' as const,
      path: '/users/{id}',
      handler: async (event: Event) => {
        const id = decodeURIComponent(event.pathParameters!.id!);
        const user = store.get(id);
        if (!user) throw createError(404, `User ${id} not found`);
        return json(200, user);
      },
    },
    {
      method: 'GET' as const,
      path: '/search',
      handler: async (event: Event) => {
        const q = event.queryStringParameters?.q ?? '';
        const limit = parseLimit(event.queryStringParameters?.limit);
        if (limit === undefined) throw badLimit();
        return json(200, { query: q, limit, results: store.search(q, limit) });
      },
    },
  ];

  return middy()
    .use(
      httpCors({
        origins: [CORS.origin],
        methods: CORS.methods.join(','),
        headers: CORS.headers.join(','),
        maxAge: CORS.maxAge,
        // Answer preflight in the middleware, before routing: the router has no OPTIONS routes.
        disableBeforePreflightResponse: false,
      }),
    )
    .use(httpErrorHandler())
    .handler(httpRouterHandler(routes as never));
}
