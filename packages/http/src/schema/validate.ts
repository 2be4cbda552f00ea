import { toPointer, type Violation } from '../errors';
import type { StandardSchemaV1 } from './standard';

/** Any Standard Schema: valibot, zod 4, ArkType… */
export type Schema = StandardSchemaV1;

/** The validated (output) type of a schema, or `undefined` when there is none. */
export type Infer<S> = S extends StandardSchemaV1 ? StandardSchemaV1.InferOutput<S> : undefined;

/** Outcome of {@link validate}: the parsed value, or every violation found. */
export type Validation<T> = { ok: true; value: T } | { ok: false; violations: Violation[] };

/**
 * Validates a value against a Standard Schema and lists every violation with its JSON pointer, the library's
 * message and the rule that failed.
 *
 * @example
 * await validate(v.object({ name: v.string() }), {});
 * // { ok: false, violations: [{ pointer: '/name', message: 'Invalid key: Expected "name" but received undefined', code: 'object' }] }
 */
export async function validate<S extends Schema>(schema: S, value: unknown, where?: Violation['in']): Promise<Validation<Infer<S>>> {
  return check(schema, value, where);
}

/**
 * {@link validate} without a promise when the schema answers synchronously (almost always), so the app validates
 * without a microtask per request.
 */
export function check<S extends Schema>(schema: S, value: unknown, where?: Violation['in']): Validation<Infer<S>> | Promise<Validation<Infer<S>>> {
  const result = schema['~standard'].validate(value) as StandardSchemaV1.Result<Infer<S>> | Promise<StandardSchemaV1.Result<Infer<S>>>;
  return result instanceof Promise ? result.then((done) => toValidation(done, where)) : toValidation(result, where);
}

function toValidation<T>(result: StandardSchemaV1.Result<T>, where: Violation['in']): Validation<T> {
  if (!result.issues) return { ok: true, value: result.value };
  return {
    ok: false,
    violations: result.issues.map((issue) => {
      const path = (issue.path ?? []).map((key) => (typeof key === 'object' ? key.key : key));
      // Libraries name the failed rule differently: valibot `type`, zod `code`.
      const { code, type } = issue as { code?: unknown; type?: unknown };
      const violation: { -readonly [K in keyof Violation]: Violation[K] } = {
        pointer: toPointer(path),
        message: issue.message,
        code: String(code ?? type ?? 'invalid'),
      };
      if (where) violation.in = where;
      return violation;
    }),
  };
}
