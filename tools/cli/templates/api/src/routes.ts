/**
 * The {{name}} route table: what each route is, never how it is handled.
 *
 * This module is data. The Lambda binds handlers to it (`handler.ts`); infra imports it to build the REST API's
 * resources, methods, request models and validators, API-key requirements and cache keys. Keep it free of handler
 * code and of anything that needs DynamoDB.
 */
import { defineRoute } from '@portico/http';
import * as v from 'valibot';

/** Largest page a client may ask for on `GET /items`. */
export const MAX_LIMIT = 100;
/** Page size when the client gives no `limit`. */
export const DEFAULT_LIMIT = 20;

/**
 * A lone UTF-16 surrogate survives `JSON.parse` but is not Unicode text: DynamoDB refuses it, which the client would
 * see as a 500 for its own mistake. A check rather than a `pattern`: draft-04 patterns (the gateway model) cannot say it.
 */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = v.check((value: string) => !LONE_SURROGATE.test(value), 'must be well-formed Unicode text');

/**
 * `POST /items` body. Unknown keys are refused, so a typo fails loudly instead of being dropped. Lengths count code
 * points (`maxCodePoints`), as JSON Schema's `maxLength` in the gateway model does, and come before `trim`, so the
 * gateway is never stricter than the function.
 */
export const CreateItemBody = v.strictObject({
  name: v.pipe(v.string(), v.maxCodePoints(100, 'must be at most 100 characters'), v.trim(), v.minLength(1, 'must not be blank'), wellFormed),
  description: v.optional(v.pipe(v.string(), v.maxCodePoints(1_000, 'must be at most 1000 characters'), wellFormed)),
});
export type CreateItemBody = v.InferOutput<typeof CreateItemBody>;

/** A stored item, as the API returns it. */
export const Item = v.object({
  id: v.string(),
  name: v.string(),
  description: v.optional(v.string()),
  createdAt: v.string(),
});
export type Item = v.InferOutput<typeof Item>;

/** `GET /items` answer: one page; `nextCursor` is there only when more items follow. */
export const ItemPage = v.object({ items: v.array(Item), nextCursor: v.optional(v.string()) });
export type ItemPage = v.InferOutput<typeof ItemPage>;

/** `limit`: a whole number from 1 to MAX_LIMIT (100), as a string (query values are strings). */
const Limit = v.optional(v.pipe(v.string(), v.regex(/^(?:[1-9][0-9]?|100)$/, 'must be a whole number from 1 to 100')));

/** `cursor`: the opaque `nextCursor` of an earlier page (base64url; decoded and checked in the handler). */
const Cursor = v.optional(v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,512}$/, 'must be a nextCursor value')));

export const routes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    operationId: 'health',
    summary: 'Whether the function answers (no DynamoDB call)',
    responses: { 200: { description: 'Up', schema: v.object({ status: v.string() }) } },
  }),
  listItems: defineRoute({
    method: 'GET',
    path: '/items',
    operationId: 'listItems',
    summary: 'List items, a page at a time',
    query: v.object({ limit: Limit, cursor: Cursor }),
    // What the stage cache keys a page on, once a stage enables its cache.
    cache: { keyParameters: ['limit', 'cursor'] },
    responses: { 200: { description: 'A page of items', schema: ItemPage } },
  }),
  createItem: defineRoute({
    method: 'POST',
    path: '/items',
    operationId: 'createItem',
    summary: 'Store an item',
    body: CreateItemBody,
    apiKeyRequired: true,
    responses: { 201: { description: 'The stored item; Location: items/{id} (relative to the request URL)', schema: Item } },
  }),
  getItem: defineRoute({
    method: 'GET',
    path: '/items/{id}',
    operationId: 'getItem',
    summary: 'Get an item by id',
    responses: { 200: { description: 'The item', schema: Item }, 404: { description: 'No such item' } },
  }),
  deleteItem: defineRoute({
    method: 'DELETE',
    path: '/items/{id}',
    operationId: 'deleteItem',
    summary: 'Delete an item',
    apiKeyRequired: true,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such item' } },
  }),
} as const;

/** Every route, in a stable order (infra hashes and emits them in this order). */
export const routeList = Object.values(routes);
