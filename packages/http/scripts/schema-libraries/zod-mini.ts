/**
 * The users API's create-user body and `/users` and `/search` queries in `zod/mini` (zod 4's functional, tree-shakable API). Without
 * a locale, zod/mini says "Invalid input" for every built-in rule: `zod-mini-en.ts` adds the English messages.
 */
import * as z from 'zod/mini';
import { codePoints, CURSOR, hasVisible, isPrintable, isWellFormed, LIMIT } from './text-rules';

const maxCodePoints = (max: number, message?: string) => z.refine<string>((value) => codePoints(value) <= max, message ?? `must be at most ${max} characters`);

export const CreateUserBody = z.strictObject({
  name: z.string().check(
    maxCodePoints(100, 'must be at most 100 characters'),
    z.trim(),
    z.minLength(1, 'must not be blank'),
    z.refine(isWellFormed, 'must be well-formed Unicode text'),
    z.refine(isPrintable, 'must be printable text: no control characters, and no U+FFFD (what invalid UTF-8 decodes to)'),
    z.refine(hasVisible, 'must contain a visible character'),
  ),
  email: z.optional(z.email('must be an email address').check(maxCodePoints(254))),
});

const Limit = z.optional(z.string().check(z.regex(LIMIT, 'must be a whole number from 1 to 100')));
const SearchText = z.string().check(z.minLength(1, 'must not be empty'), maxCodePoints(100, 'must be at most 100 characters'), z.refine(isWellFormed, 'must be well-formed Unicode text'));

const Cursor = z.optional(z.string().check(z.regex(CURSOR, 'must be a nextCursor value')));

export const ListQuery = z.object({ limit: Limit, cursor: Cursor });
export const SearchQuery = z.object({ q: SearchText, limit: Limit }, 'q is required');
