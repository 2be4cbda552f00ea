/**
 * The users API route table: what each route is, never how it is handled.
 *
 * This module is data. The Lambda binds handlers to it (`handler.ts`), and the infra package imports it to build the
 * REST API's resources, methods, models, validators, API-key requirements, authorizers and cache keys. Keep it free
 * of handler code and of anything that needs the AWS SDK.
 *
 * Who may call: reads are public; creating a user takes a signed-in user of the API's Cognito pool, deleting one a
 * user in its `admin` group (the writes also keep their API key: usage plans meter them); `GET /internal/stats` is
 * for other services, SigV4-signed by a principal allowed to invoke it.
 */
import { defineRoute } from '@portico/http';
import * as v from 'valibot';

/** Largest page a client may ask for, on `/users` and `/search`. */
export const MAX_LIMIT = 100;
/** Page size when the client gives no `limit`. */
export const DEFAULT_LIMIT = 10;

/**
 * Lone UTF-16 surrogates survive `JSON.parse` and query decoding but are not Unicode text: DynamoDB rejects them
 * (a 500 for the client's mistake), so strings that reach the store are checked here. A check rather than a
 * `pattern`, because draft-04 patterns (the gateway model) have no Unicode-aware syntax to say it.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = v.check((value: string) => !LONE_SURROGATE.test(value), 'must be well-formed Unicode text');

/**
 * What is not text in a name: control characters (NUL, tab, line breaks, C1), U+FFFD (what invalid UTF-8 decodes
 * to: the bytes the client meant are already lost) and noncharacters.
 */
const NOT_TEXT = /[\p{Cc}\uFFFD\p{Noncharacter_Code_Point}]/u;
const printable = v.check(
  (value: string) => !NOT_TEXT.test(value),
  'must be printable text: no control characters, and no U+FFFD (what invalid UTF-8 decodes to)',
);
/**
 * A character a reader can see: a letter, digit, punctuation or symbol that is not default-ignorable (zero-width
 * spaces and joiners are format characters, but the Hangul fillers are letters that render as nothing) nor the blank
 * braille pattern. Zero-width joiners inside an emoji sequence are fine: the emoji around them are visible.
 */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;
// An empty name is `minLength`'s to report, once.
const visible = v.check((value: string) => value === '' || VISIBLE.test(value), 'must contain a visible character');

/**
 * `POST /users` body: a new user. Unknown keys are rejected so typos don't pass silently.
 *
 * Lengths are in code points (`maxCodePoints`), which is what JSON Schema's `maxLength` counts: the gateway's model
 * and the function agree on every string, emoji included (valibot's `maxLength` counts UTF-16 units, an emoji two).
 * The length bound comes before `trim` so the gateway model (which cannot trim) is never stricter than the function.
 * The model cannot say "printable" (draft-04 patterns have no Unicode classes); the function checks it.
 */
export const CreateUserBody = v.strictObject({
  name: v.pipe(
    v.string(),
    v.maxCodePoints(100, 'must be at most 100 characters'),
    v.trim(),
    v.minLength(1, 'must not be blank'),
    wellFormed,
    printable,
    visible,
  ),
  email: v.optional(v.pipe(v.string(), v.maxCodePoints(254), v.email('must be an email address'))),
});
export type CreateUserBody = v.InferOutput<typeof CreateUserBody>;

/** A stored user, as the API returns it. */
export const User = v.object({
  id: v.string(),
  name: v.string(),
  email: v.optional(v.string()),
  createdAt: v.string(),
});
export type User = v.InferOutput<typeof User>;

/** `GET /users` answer: one page of users; `nextCursor` is present only when more users follow. */
export const UserPage = v.object({ items: v.array(User), nextCursor: v.optional(v.string()) });
export type UserPage = v.InferOutput<typeof UserPage>;

/** `GET /internal/stats` answer: how many users the table holds, counted when asked. */
export const Stats = v.object({ users: v.number(), countedAt: v.string() });
export type Stats = v.InferOutput<typeof Stats>;

/** `GET /search` answer: the query and limit as understood, and the matching users. */
export const SearchResult = v.object({ query: v.string(), limit: v.number(), results: v.array(User) });
export type SearchResult = v.InferOutput<typeof SearchResult>;

/**
 * Query-string `limit`: a whole number from 1 to MAX_LIMIT (100) without leading zeros, as a string (query values
 * are strings). The bound lives in the pattern so one schema says all of it; a test pins it to MAX_LIMIT.
 */
const Limit = v.optional(v.pipe(v.string(), v.regex(/^(?:[1-9][0-9]?|100)$/, 'must be a whole number from 1 to 100')));

/** `GET /users` cursor: the opaque `nextCursor` of a previous page (base64url; decoded and checked in the handler). */
const Cursor = v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,2048}$/, 'must be a nextCursor value')));

/** `GET /search` query text: matched as a case-insensitive substring of the name. */
const SearchText = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxCodePoints(100, 'must be at most 100 characters'), wellFormed);

export const routes = {
  hello: defineRoute({
    method: 'GET',
    path: '/hello',
    operationId: 'hello',
    summary: 'Say hello',
    responses: { 200: { description: 'A greeting', schema: v.object({ message: v.string() }) } },
  }),
  listUsers: defineRoute({
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users, a page at a time',
    query: v.object({ limit: Limit, cursor: Cursor }),
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
    auth: { cognito: {} },
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
    summary: 'Delete a user (admin group)',
    apiKeyRequired: true,
    auth: { cognito: { groups: ['admin'] } },
    responses: {
      204: { description: 'Deleted' },
      403: { description: 'No API key (INVALID_API_KEY), or the user is not in the admin group (MISSING_GROUP)' },
      404: { description: 'No such user' },
    },
  }),
  search: defineRoute({
    method: 'GET',
    path: '/search',
    operationId: 'searchUsers',
    summary: 'Search users by name',
    query: v.object({ q: SearchText, limit: Limit }, 'q is required'),
    cache: { keyParameters: ['q', 'limit'] },
    responses: { 200: { description: 'Users whose name contains q', schema: SearchResult } },
  }),
  stats: defineRoute({
    method: 'GET',
    path: '/internal/stats',
    operationId: 'getStats',
    summary: 'Count the stored users (other services, SigV4-signed)',
    auth: 'iam',
    responses: { 200: { description: 'The number of users, counted now', schema: Stats } },
  }),
} as const;

/** Every route, in a stable order (infra hashes and emits them in this order). */
export const routeList = Object.values(routes);
