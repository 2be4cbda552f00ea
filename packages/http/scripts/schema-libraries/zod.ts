/** The users API's create-user body and `/users` and `/search` queries in zod 4 (the full, method-chaining API). */
import * as z from 'zod';
import { codePoints, CURSOR, hasVisible, isPrintable, isWellFormed, LIMIT } from './text-rules';

const atMost = (max: number) => (value: string) => codePoints(value) <= max;

export const CreateUserBody = z.strictObject({
  name: z
    .string()
    .refine(atMost(100), 'must be at most 100 characters')
    .trim()
    .min(1, 'must not be blank')
    .refine(isWellFormed, 'must be well-formed Unicode text')
    .refine(isPrintable, 'must be printable text: no control characters, and no U+FFFD (what invalid UTF-8 decodes to)')
    .refine(hasVisible, 'must contain a visible character'),
  email: z.email('must be an email address').refine(atMost(254), 'must be at most 254 characters').optional(),
});

const Limit = z.string().regex(LIMIT, 'must be a whole number from 1 to 100').optional();
const SearchText = z.string().min(1, 'must not be empty').refine(atMost(100), 'must be at most 100 characters').refine(isWellFormed, 'must be well-formed Unicode text');

const Cursor = z.string().regex(CURSOR, 'must be a nextCursor value').optional();

export const ListQuery = z.object({ limit: Limit, cursor: Cursor });
export const SearchQuery = z.object({ q: SearchText, limit: Limit }, 'q is required');
