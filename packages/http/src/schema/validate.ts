import type { $ZodIssue, $ZodType, output } from 'zod/v4/core';
import { safeParse, safeParseAsync, $ZodAsyncError } from 'zod/v4/core';
import { toPointer, type Violation } from '../errors';

/** Any zod 4 schema: classic `zod` and `zod/mini` share this core type. */
export type Schema = $ZodType;

/** The validated (output) type of a schema, or `undefined` when there is none. */
export type Infer<S> = S extends $ZodType ? output<S> : undefined;

/** Outcome of {@link validate}: the parsed value, or every violation found. */
export type Validation<T> = { ok: true; value: T } | { ok: false; violations: Violation[] };

/**
 * Validates a value against a zod 4 schema and lists every violation with its JSON pointer.
 *
 * Messages are written here rather than taken from zod, because `zod/mini` loads no locale and would answer
 * "Invalid input" for everything.
 *
 * @example
 * const result = await validate(z.object({ name: z.string() }), {});
 * // { ok: false, violations: [{ pointer: '/name', message: 'Expected string', code: 'invalid_type' }] }
 */
export async function validate<S extends $ZodType>(
  schema: S,
  value: unknown,
  where: Violation['in'] = 'body',
): Promise<Validation<output<S>>> {
  return check(schema, value, where);
}

/**
 * {@link validate} without the promise when the schema is synchronous (almost always), so the app can validate
 * without a microtask per request; schemas with async refinements give a promise.
 */
export function check<S extends $ZodType>(
  schema: S,
  value: unknown,
  where: Violation['in'],
): Validation<output<S>> | Promise<Validation<output<S>>> {
  let result;
  try {
    result = safeParse(schema, value);
  } catch (error) {
    // Schemas with async refinements can only run async; the sync path stays the fast default.
    if (!(error instanceof $ZodAsyncError)) throw error;
    return safeParseAsync(schema, value).then((async) => toValidation(async, value, where));
  }
  return toValidation(result, value, where);
}

function toValidation<T>(
  result: { success: true; data: T } | { success: false; error: { issues: $ZodIssue[] } },
  value: unknown,
  where: Violation['in'],
): Validation<T> {
  if (result.success) return { ok: true, value: result.data };
  const violations: Violation[] = [];
  for (const issue of result.error.issues) collect(issue, [], value, where, violations);
  return { ok: false, violations };
}

function collect(
  issue: $ZodIssue,
  base: readonly PropertyKey[],
  input: unknown,
  where: Violation['in'],
  out: Violation[],
): void {
  const path = [...base, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    for (const key of issue.keys) {
      out.push(violation([...path, key], `Unknown property "${key}"`, issue.code, where));
    }
    return;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0 && !('discriminator' in issue && issue.discriminator)) {
    // Report the branch that got furthest, rather than "no branch matched".
    const best = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    if (best.length > 0 && depth(best) > 0) {
      for (const inner of best) collect(inner, path, input, where, out);
      return;
    }
  }
  out.push(violation(path, describe(issue, lookup(input, base)[0]), issue.code, where));
}

function depth(issues: readonly $ZodIssue[]): number {
  return issues.reduce((max, issue) => Math.max(max, issue.path.length), 0);
}

function violation(path: readonly PropertyKey[], message: string, code: string, where: Violation['in']): Violation {
  const pointer = toPointer(path);
  return where === 'body' ? { pointer, message, code } : { pointer, message, code, in: where };
}

function describe(issue: $ZodIssue, input: unknown): string {
  if (issue.message && issue.message !== 'Invalid input') return issue.message;
  switch (issue.code) {
    case 'invalid_type': {
      const [found, present] = lookup(input, issue.path);
      return present ? `Expected ${issue.expected}, received ${kind(found)}` : `Required: expected ${issue.expected}`;
    }
    case 'too_small':
      return bound(issue.origin, issue.inclusive ? 'at least' : 'more than', issue.minimum);
    case 'too_big':
      return bound(issue.origin, issue.inclusive ? 'at most' : 'fewer than', issue.maximum);
    case 'invalid_format':
      return issue.format === 'regex' ? 'Does not match the expected pattern' : `Invalid ${issue.format}`;
    case 'not_multiple_of':
      return `Must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_value':
      return `Expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_union':
      return 'Does not match any allowed shape';
    case 'invalid_key':
      return 'Invalid key';
    case 'invalid_element':
      return 'Invalid element';
    default:
      return 'Invalid value';
  }
}

function bound(origin: string, relation: string, limit: number | bigint): string {
  const n = String(limit);
  if (origin === 'string') return `Must be ${relation} ${n} character${n === '1' ? '' : 's'} long`;
  if (origin === 'array' || origin === 'set') return `Must have ${relation} ${n} item${n === '1' ? '' : 's'}`;
  return `Must be ${relation === 'fewer than' ? 'less than' : relation} ${n}`;
}

/** Follows a path into a value; the flag says whether the last key was present at all. */
function lookup(value: unknown, path: readonly PropertyKey[]): [unknown, boolean] {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return [undefined, false];
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return [current, true];
}

function kind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
