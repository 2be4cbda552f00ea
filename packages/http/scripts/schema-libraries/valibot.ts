/**
 * The users API's create-user body and `/users` and `/search` queries in valibot, as apps/users-api/src/routes.ts writes them (the
 * measuring script checks that both give the same verdicts on its samples).
 */
import * as v from 'valibot';
import { CURSOR, hasVisible, isPrintable, isWellFormed, LIMIT } from './text-rules';

const wellFormed = v.check(isWellFormed, 'must be well-formed Unicode text');
const printable = v.check(isPrintable, 'must be printable text: no control characters, and no U+FFFD (what invalid UTF-8 decodes to)');
const visible = v.check(hasVisible, 'must contain a visible character');

export const CreateUserBody = v.strictObject({
  name: v.pipe(v.string(), v.maxCodePoints(100, 'must be at most 100 characters'), v.trim(), v.minLength(1, 'must not be blank'), wellFormed, printable, visible),
  email: v.optional(v.pipe(v.string(), v.maxCodePoints(254), v.email('must be an email address'))),
});

const Limit = v.optional(v.pipe(v.string(), v.regex(LIMIT, 'must be a whole number from 1 to 100')));
const SearchText = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxCodePoints(100, 'must be at most 100 characters'), wellFormed);

const Cursor = v.optional(v.pipe(v.string(), v.regex(CURSOR, 'must be a nextCursor value')));

export const ListQuery = v.object({ limit: Limit, cursor: Cursor });
export const SearchQuery = v.object({ q: SearchText, limit: Limit }, 'q is required');
