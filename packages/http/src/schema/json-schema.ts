import type { $ZodType } from 'zod/v4/core';
import { toJSONSchema } from 'zod/v4/core';
import type { AnyRouteSpec } from '../route';

/** The JSON Schema dialect API Gateway models accept. */
export const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** A JSON Schema document (loosely typed: it is data handed to API Gateway or OpenAPI). */
export type JsonSchema = { [key: string]: unknown };

/**
 * The JSON Schema draft-04 an API Gateway `Model` needs for a route's body schema. `format` is removed because
 * API Gateway does not validate it (zod also emits a `pattern` for formats such as email, which it does); the
 * function re-validates everything anyway.
 *
 * @example
 * toGatewayModel(z.object({ name: z.string() }));
 * // { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { name: { type: 'string' } },
 * //   required: ['name'] }
 */
export function toGatewayModel(schema: $ZodType): JsonSchema {
  const generated = toJSONSchema(schema, { target: 'draft-04', unrepresentable: 'any', io: 'input' }) as JsonSchema;
  const { $schema: _dialect, ...model } = strip(generated, 'format') as JsonSchema;
  return { $schema: DRAFT_04, ...model };
}

/** Removes one keyword everywhere in a schema (but not properties that happen to share its name). */
function strip(node: unknown, keyword: string, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => strip(item, keyword));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (!inProperties && key === keyword && typeof value === 'string') continue;
    const childIsMap = !inProperties && (key === 'properties' || key === 'definitions' || key === 'patternProperties');
    out[key] = strip(value, keyword, childIsMap);
  }
  return out;
}

/** A query parameter a route declares. */
export interface QueryParameter {
  readonly name: string;
  readonly required: boolean;
}

/**
 * The query parameters a route's query schema declares (an object schema's keys; optional keys are not required).
 *
 * @example
 * queryParameters(defineRoute({ method: 'GET', path: '/search', query: z.object({ q: z.string(), limit: z.optional(z.string()) }) }));
 * // [{ name: 'q', required: true }, { name: 'limit', required: false }]
 */
export function queryParameters(route: AnyRouteSpec): QueryParameter[] {
  const shape = objectShape(route.query);
  if (!shape) return [];
  return Object.entries(shape).map(([name, schema]) => ({ name, required: schema._zod.optin !== 'optional' }));
}

/** The property schemas of an object schema (looking through wrappers like `pipe`), or undefined. */
export function objectShape(schema: $ZodType | undefined): Record<string, $ZodType> | undefined {
  let current: $ZodType | undefined = schema;
  for (let i = 0; current && i < 8; i++) {
    const def = current._zod.def as { type: string; shape?: Record<string, $ZodType>; in?: $ZodType; innerType?: $ZodType };
    if (def.type === 'object' && def.shape) return def.shape;
    current = def.type === 'pipe' ? def.in : def.innerType;
  }
  return undefined;
}
