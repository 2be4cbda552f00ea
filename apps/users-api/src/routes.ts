/**
 * The users API route table: what each route is, never how it is handled.
 *
 * This module is data. The Lambda binds handlers to it (`handler.ts`), and the infra package imports it to build the
 * REST API's resources, methods, models, validators, API-key requirements and cache keys. Keep it free of handler
 * code and of anything that needs the AWS SDK.
 */
import { defineRoute } from '@portico/http';
import * as z from 'zod/mini';

/** Largest page a client may ask for, on `/users` and `/search`. */
export const MAX_LIMIT = 100;
/** Page size when the client gives no `limit`. */
export const DEFAULT_LIMIT = 10;

/**
 * Lone UTF-16 surrogates survive `JSON.parse` and query decoding but are not Unicode text: DynamoDB rejects them
 * (a 500 for the client's mistake), so strings that reach the store are checked here. A refinement rather than a
 * `pattern`, because draft-04 patterns (the gateway model) have no Unicode-aware syntax to say it.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = z.refine<string>((value) => !LONE_SURROGATE.test(value), 'must be well-formed Unicode text');

/** `POST /users` body: a new user. Unknown keys are rejected so typos don't pass silently. */
export const CreateUserBody = z.strictObject({
  name: z.string().check(z.trim(), z.minLength(1), z.maxLength(100), wellFormed),
  email: z.optional(z.email().check(z.maxLength(254))),
});
export type CreateUserBody = z.infer<typeof CreateUserBody>;

/** A stored user, as the API returns it. */
export const User = z.object({
  id: z.string(),
  name: z.string(),
  email: z.optional(z.string()),
  createdAt: z.string(),
});
export type User = z.infer<typeof User>;

/** `GET /users` answer: one page of users; `nextCursor` is present only when more users follow. */
export const UserPage = z.object({ items: z.array(User), nextCursor: z.optional(z.string()) });
export type UserPage = z.infer<typeof UserPage>;

/** `GET /search` answer: the query and limit as understood, and the matching users. */
export const SearchResult = z.object({ query: z.string(), limit: z.number(), results: z.array(User) });
export type SearchResult = z.infer<typeof SearchResult>;

/**
 * Query-string `limit`: a whole number from 1 to MAX_LIMIT (100) without leading zeros, as a string (query values
 * are strings). The bound lives in the pattern so one schema says all of it; a test pins it to MAX_LIMIT.
 */
const Limit = z.optional(z.string().check(z.regex(/^(?:[1-9][0-9]?|100)$/, 'must be a whole number from 1 to 100')));

/** `GET /users` cursor: the opaque `nextCursor` of a previous page (base64url; decoded and checked in the handler). */
const Cursor = z.optional(z.string().check(z.regex(/^[A-Za-z0-9_-]{1,2048}$/, 'must be a nextCursor value')));

/** `GET /search` query text: matched as a case-insensitive substring of the name. */
const SearchText = z.string().check(z.minLength(1), z.maxLength(100), wellFormed);

export const routes = {
  hello: defineRoute({
    method: 'GET',
    path: '/hello',
    operationId: 'hello',
    summary: 'Say hello',
    responses: { 200: { description: 'A greeting', schema: z.object({ message: z.string() }) } },
  }),
  listUsers: defineRoute({
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users, a page at a time',
    query: z.object({ limit: Limit, cursor: Cursor }),
    cache: { keyParameters: ['limit', 'cursor'] },
    responses: { 200: { description: 'A page of users', schema: UserPage } },
  }),
  createUser: defineRoute({
    method: 'POST',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user',
    body: CreateUserBody,
    apiKeyRequired: true,
    responses: { 201: { description: 'The stored user; Location: users/{id} (relative to the request URL)', schema: User } },
  }),
  getUser: defineRoute({
    method: 'GET',
    path: '/users/{id}',
    operationId: 'getUser',
    summary: 'Get a user by id',
    responses: { 200: { description: 'The user', schema: User }, 404: { description: 'No such user' } },
  }),
  deleteUser: defineRoute({
    method: 'DELETE',
    path: '/users/{id}',
    operationId: 'deleteUser',
    summary: 'Delete a user',
    apiKeyRequired: true,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such user' } },
  }),
  search: defineRoute({
    method: 'GET',
    path: '/search',
    operationId: 'searchUsers',
    summary: 'Search users by name',
    query: z.object({ q: SearchText, limit: Limit }),
    cache: { keyParameters: ['q', 'limit'] },
    responses: { 200: { description: 'Users whose name contains q', schema: SearchResult } },
  }),
} as const;

/** Every route, in a stable order (infra hashes and emits them in this order). */
export const routeList = Object.values(routes);
