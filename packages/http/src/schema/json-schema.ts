/**
 * JSON Schema from a route's Standard Schema, for the API Gateway `Model` (draft-04) and the OpenAPI document.
 * Build-time only: nothing in a handler imports this module, so no converter reaches a Lambda bundle.
 */
import { toJsonSchema as valibotToJsonSchema } from '@valibot/to-json-schema';
import type { AnyRouteSpec } from '../route';
import type { StandardSchemaV1 } from './standard';

/** The JSON Schema dialect API Gateway models accept. */
export const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

/** A JSON Schema document (loosely typed: it is data handed to API Gateway or OpenAPI). */
export type JsonSchema = { [key: string]: unknown };

/** A Standard Schema that also implements Standard JSON Schema (zod 4, ArkType…). */
interface WithJsonSchema {
  readonly '~standard': { readonly jsonSchema?: { input(options: { target: string; libraryOptions?: object }): JsonSchema } };
}

/**
 * The draft-07 JSON Schema of what a schema accepts as input. Uses the schema's Standard JSON Schema converter
 * when it has one (zod 4, ArkType) and valibot's own converter for valibot. Refinements and transforms a JSON
 * Schema cannot express are left out, so the document never refuses what the function accepts; the function
 * validates everything again.
 *
 * @example
 * toJsonSchema(v.object({ name: v.string() }));
 * // { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { name: { type: 'string' } }, required: ['name'] }
 */
export function toJsonSchema(schema: StandardSchemaV1): JsonSchema {
  const props = schema['~standard'];
  const converter = (schema as WithJsonSchema)['~standard'].jsonSchema;
  if (converter) return converter.input({ target: 'draft-07', libraryOptions: { unrepresentable: 'any' } });
  if (props.vendor === 'valibot') {
    return valibotToJsonSchema(schema as Parameters<typeof valibotToJsonSchema>[0], { errorMode: 'ignore', overrideAction: codePointBounds }) as JsonSchema;
  }
  throw new TypeError(
    `A ${props.vendor} schema cannot be turned into JSON Schema: use a library that implements Standard JSON Schema (zod 4, ArkType) or valibot`,
  );
}

type ActionOverride = NonNullable<NonNullable<Parameters<typeof valibotToJsonSchema>[1]>['overrideAction']>;

/**
 * JSON Schema's `minLength`/`maxLength` count code points (an emoji is one), and so do valibot's `minCodePoints`/
 * `maxCodePoints`, where valibot's `minLength`/`maxLength` count UTF-16 units (an emoji is two). The converter has no
 * case for the code-point actions, so this gives them one: a schema that bounds text with them means the same in the
 * function and in the gateway's model. (With `maxLength`, 60 emoji pass the model and fail the function.)
 */
const codePointBounds: ActionOverride = ({ valibotAction, jsonSchema }) => {
  const { type, requirement } = valibotAction as { type: string; requirement?: unknown };
  if (typeof requirement !== 'number' || !Number.isInteger(requirement) || requirement < 0) return undefined;
  if (type === 'max_code_points') {
    return { ...jsonSchema, maxLength: Math.min(requirement, (jsonSchema.maxLength as number | undefined) ?? Infinity) };
  }
  if (type === 'min_code_points') return { ...jsonSchema, minLength: Math.max(requirement, (jsonSchema.minLength as number | undefined) ?? 0) };
  return undefined;
};

/** Keywords of draft-06 and later that draft-04 lacks; dropping one only ever makes a schema accept more. */
const NOT_IN_DRAFT_04 = new Set([
  '$comment',
  'examples',
  'contains',
  'propertyNames',
  'if',
  'then',
  'else',
  'contentMediaType',
  'contentEncoding',
  'readOnly',
  'writeOnly',
  'deprecated',
]);
/** Keywords whose value is a map of name → schema. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', '$defs', 'dependencies']);

/**
 * Rewrites a draft-06/07 schema in draft-04 terms: `const` → `enum`, numeric `exclusiveMinimum`/`exclusiveMaximum`
 * → boolean flags on `minimum`/`maximum`, `$defs` → `definitions`, later-only keywords dropped. `drop` names extra
 * keywords to remove everywhere (never properties that merely share the name).
 *
 * @example
 * toDraft04({ type: 'number', exclusiveMinimum: 0 }); // { type: 'number', minimum: 0, exclusiveMinimum: true }
 */
export function toDraft04(node: unknown, drop: ReadonlySet<string> = new Set()): unknown {
  if (Array.isArray(node)) return node.map((item) => toDraft04(item, drop));
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema' || NOT_IN_DRAFT_04.has(key) || drop.has(key)) continue;
    if (key === 'const') out.enum = [value];
    else if ((key === 'exclusiveMinimum' || key === 'exclusiveMaximum') && typeof value === 'number') {
      bound(out, key === 'exclusiveMinimum' ? 'minimum' : 'maximum', value, true);
    } else if ((key === 'minimum' || key === 'maximum') && typeof value === 'number') bound(out, key, value, false);
    else if (key === '$ref' && typeof value === 'string') out.$ref = value.replace('#/$defs/', '#/definitions/');
    else if (SCHEMA_MAPS.has(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key === '$defs' ? 'definitions' : key] = Object.fromEntries(
        Object.entries(value).map(([name, child]) => [name, toDraft04(child, drop)]),
      );
    } else out[key] = toDraft04(value, drop);
  }
  return out;
}

/** Sets a draft-04 bound, keeping the stricter one when a schema gives both `minimum` and `exclusiveMinimum`. */
function bound(out: JsonSchema, key: 'minimum' | 'maximum', value: number, exclusive: boolean): void {
  const flag = key === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum';
  const current = out[key] as number | undefined;
  const stricter = current === undefined || (key === 'minimum' ? value > current : value < current) || (value === current && exclusive);
  if (!stricter) return;
  out[key] = value;
  if (exclusive) out[flag] = true;
  else delete out[flag];
}

/**
 * The JSON Schema draft-04 an API Gateway `Model` needs for a route's body schema. `format` is removed because
 * API Gateway does not validate it; the function validates everything anyway.
 *
 * @example
 * toGatewayModel(v.object({ name: v.string() }));
 * // { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object', properties: { name: { type: 'string' } },
 * //   required: ['name'] }
 */
export function toGatewayModel(schema: StandardSchemaV1): JsonSchema {
  return { $schema: DRAFT_04, ...(toDraft04(toJsonSchema(schema), new Set(['format'])) as JsonSchema) };
}

/** A query parameter a route declares. */
export interface QueryParameter {
  readonly name: string;
  readonly required: boolean;
  /** The parameter's own schema (draft-07), e.g. its pattern. */
  readonly schema: JsonSchema;
}

/**
 * The query parameters a route's query schema declares: the keys of its object schema; optional keys are not
 * required.
 *
 * @example
 * queryParameters(defineRoute({ method: 'GET', path: '/search', query: v.object({ q: v.string(), limit: v.optional(v.string()) }) }));
 * // [{ name: 'q', required: true, schema: { type: 'string' } }, { name: 'limit', required: false, schema: { type: 'string' } }]
 */
export function queryParameters(route: AnyRouteSpec): QueryParameter[] {
  if (!route.query) return [];
  const { properties = {}, required = [] } = toJsonSchema(route.query) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(properties).map(([name, schema]) => ({ name, required: required.includes(name), schema }));
}

/** Whether a route's body schema refuses a request without a body. */
export function bodyRequired(route: AnyRouteSpec): boolean {
  const result = route.body?.['~standard'].validate(undefined);
  return result !== undefined && (result instanceof Promise || result.issues !== undefined);
}
