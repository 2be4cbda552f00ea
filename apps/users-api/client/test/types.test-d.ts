/**
 * Type tests: `pnpm typecheck` (tsc over test/) compiles this file and never runs it. Each `@ts-expect-error` is a
 * call the client must reject; if the generated types stop catching one, the directive is unused and tsc fails.
 * The assignments below them pin what a call answers, and that it is no `any` (an `any` would accept the
 * mismatches marked as errors).
 */
import { createUsersApiClient, type NewUser, type Problem, type SearchResult, type User, type UserPage } from '../src/index';

const users = createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev', apiKey: 'key' });

export async function callsTheClientRejects(): Promise<void> {
  // @ts-expect-error a path the API does not have
  await users.GET('/user/{id}', { params: { path: { id: 'x' } } });
  // @ts-expect-error a method the path does not have
  await users.PUT('/users/{id}', { params: { path: { id: 'x' } }, body: { name: 'Ada' } });
  // @ts-expect-error the path parameter is required
  await users.GET('/users/{id}');
  // @ts-expect-error a path parameter the route does not have
  await users.GET('/users/{id}', { params: { path: { userId: 'x' } } });
  // @ts-expect-error query values are strings (`limit` as the query string carries it)
  await users.GET('/users', { params: { query: { limit: 10 } } });
  // @ts-expect-error `q` is required on /search
  await users.GET('/search', { params: { query: { limit: '5' } } });
  // @ts-expect-error a query on a route that takes none
  await users.GET('/hello', { params: { query: { verbose: '1' } } });
  // @ts-expect-error `name` is required in the body
  await users.POST('/users', { body: { email: 'ada@example.com' } });
  // @ts-expect-error `name` is a string
  await users.POST('/users', { body: { name: 42 } });
  // @ts-expect-error POST /users needs a body
  await users.POST('/users');
  // Unknown keys inside a query or body object are not caught on their own (openapi-fetch infers a call's options
  // generically, and TypeScript checks excess properties only where a literal meets its declared type); the API
  // answers them 400. `satisfies` on the body closes that gap:
  // @ts-expect-error an unknown body key, caught through `satisfies NewUser`
  await users.POST('/users', { body: { name: 'Ada', role: 'admin' } satisfies NewUser });
  // @ts-expect-error the key is an option of the client, not of a call
  createUsersApiClient({ baseUrl: 'http://127.0.0.1:3000/dev', apiKey: 42 });
}

export async function whatCallsAnswer(): Promise<void> {
  const created = await users.POST('/users', { body: { name: 'Ada' } satisfies NewUser });
  if (created.error) {
    const problem: Problem = created.error;
    const code: string = created.error.code;
    const pointers: string[] | undefined = created.error.errors?.map((e) => e.pointer);
    // @ts-expect-error the error is a problem, not a user
    const notUser: User = created.error;
    void [problem, code, pointers, notUser];
    return;
  }
  const user: User = created.data;
  // @ts-expect-error `createdAt` is a string
  const createdAt: number = created.data.createdAt;

  const page = await users.GET('/users', { params: { query: { limit: '10' } } });
  const maybePage: UserPage | undefined = page.data;
  const next: string | undefined = page.data?.nextCursor;

  const found = await users.GET('/search', { params: { query: { q: 'ad' } } });
  const result: SearchResult | undefined = found.data;
  // @ts-expect-error `limit` comes back as a number
  const limit: string | undefined = found.data?.limit;

  const got = await users.GET('/users/{id}', { params: { path: { id: user.id } } });
  // A missing user is a problem (or nothing, where the document gives the 404 no body).
  const missing: Problem | undefined = got.error;

  const deleted = await users.DELETE('/users/{id}', { params: { path: { id: user.id } } });
  // 204: no body to read.
  // @ts-expect-error nothing to read from a 204
  const deletedName: string = deleted.data.name;
  void [createdAt, maybePage, next, result, limit, missing, deletedName];
}
