/**
 * The text rules of the users API's schemas (apps/users-api/src/routes.ts) as plain predicates, so every library's
 * copy checks exactly the same thing and only the library around them differs.
 */

/** Lone UTF-16 surrogates: not Unicode text, and DynamoDB refuses them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
/** Control characters, U+FFFD and noncharacters. */
const NOT_TEXT = /[\p{Cc}\uFFFD\p{Noncharacter_Code_Point}]/u;
/** A character a reader can see. */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);
export const isPrintable = (value: string): boolean => !NOT_TEXT.test(value);
/** An empty string is the minimum length's to report, once. */
export const hasVisible = (value: string): boolean => value === '' || VISIBLE.test(value);

/** Length in code points, what JSON Schema's `maxLength` counts (valibot's `maxCodePoints`). */
export function codePoints(value: string): number {
  let count = 0;
  for (const _ of value) count++;
  return count;
}

/** `limit` on the query string: a whole number from 1 to 100, without leading zeros. */
export const LIMIT = /^(?:[1-9][0-9]?|100)$/;
/** `cursor` on `GET /users`: a previous page's opaque `nextCursor` (base64url). */
export const CURSOR = /^[A-Za-z0-9_-]{1,2048}$/;
