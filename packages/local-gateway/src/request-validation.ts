/**
 * Request validators: required parameters and body models (JSON Schema draft-04, like API Gateway). Answers with the
 * gateway's exact messages; `validationErrorString` follows API Gateway's wording for the common keywords so a
 * BAD_REQUEST_BODY template using `$context.error.validationErrorString` reads like the real one.
 */
import Ajv from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { GatewayError } from './gateway-responses';
import type { MethodDef, RestApiDef } from './terraform-stack';

export interface ValidationInput {
  query: Record<string, string>;
  headers: Record<string, string>;
  pathParameters: Record<string, string>;
  contentType: string | undefined;
  body: Buffer;
}

/**
 * Compiles an API's models once and returns the per-request check; throws a GatewayError (400) on failure.
 *
 * @example
 * const validate = createRequestValidator(api);
 * validate(method, { query: {}, headers: {}, pathParameters: {}, contentType: 'application/json', body }); // throws BAD_REQUEST_BODY
 */
export function createRequestValidator(api: RestApiDef): (method: MethodDef, input: ValidationInput) => void {
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  const compiled = new Map<string, ValidateFunction>();
  const modelValidator = (name: string): ValidateFunction | undefined => {
    const existing = compiled.get(name);
    if (existing) return existing;
    const model = api.models.get(name);
    if (!model) return undefined;
    const schema = { ...(model.schema as Record<string, unknown>) };
    delete schema.$schema;
    delete schema.id;
    const fn = ajv.compile(schema);
    compiled.set(name, fn);
    return fn;
  };

  return (method, input) => {
    const validator = method.validator;
    if (!validator) return;
    if (validator.validateParameters) {
      const missing: string[] = [];
      for (const [parameter, required] of Object.entries(method.requestParameters)) {
        if (!required) continue;
        const match = /^method\.request\.(querystring|header|path|multivaluequerystring|multivalueheader)\.(.+)$/.exec(parameter);
        if (!match) continue;
        const [, where, name] = match as unknown as [string, string, string];
        const value = where.endsWith('querystring')
          ? input.query[name]
          : where === 'path'
            ? input.pathParameters[name]
            : Object.entries(input.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
        // "Included and not blank": `?q=` is as missing as no q at all.
        if (value === undefined || value.trim() === '') missing.push(name);
      }
      if (missing.length > 0) {
        const message = `Missing required request parameters: [${missing.join(', ')}]`;
        throw new GatewayError('BAD_REQUEST_PARAMETERS', message, 400, message);
      }
    }
    if (validator.validateBody) {
      // No Content-Type is taken as application/json; a content type without a model (and no $default) is not
      // validated at all, as on AWS.
      const mediaType = input.contentType?.split(';')[0]?.trim().toLowerCase() || 'application/json';
      const modelName = method.requestModels[mediaType] ?? method.requestModels.$default;
      if (!modelName) return;
      const validate = modelValidator(modelName);
      if (!validate) return;
      let value: unknown;
      try {
        value = JSON.parse(input.body.toString('utf8'));
      } catch {
        throw new GatewayError('BAD_REQUEST_BODY', 'Invalid request body', 400, '[Invalid JSON in request body]');
      }
      if (!validate(value)) {
        // Raw, as AWS gives it: templates embed it with $util.escapeJavaScript(...).
        throw new GatewayError('BAD_REQUEST_BODY', 'Invalid request body', 400, `[${describeErrors(validate.errors ?? []).join(', ')}]`);
      }
    }
  };
}

/** API Gateway reports every missing property of one object in one message: `(["a","b"])`. */
function describeErrors(errors: ErrorObject[]): string[] {
  const missing = new Map<string, string[]>();
  const out: string[] = [];
  for (const error of errors) {
    if (error.keyword !== 'required') continue;
    const list = missing.get(error.instancePath) ?? [];
    list.push(String((error.params as Record<string, unknown>).missingProperty));
    missing.set(error.instancePath, list);
  }
  for (const [path, names] of missing) {
    out.push(`object has missing required properties (${JSON.stringify(names)})${path === '' ? '' : ` at ${path}`}`);
  }
  for (const error of errors) if (error.keyword !== 'required') out.push(describeError(error));
  return out;
}

function describeError(error: ErrorObject): string {
  const at = error.instancePath === '' ? '' : ` at ${error.instancePath}`;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return `object has missing required properties (["${String(p.missingProperty)}"])${at}`;
    case 'additionalProperties':
      return `object instance has properties which are not allowed by the schema: ["${String(p.additionalProperty)}"]${at}`;
    case 'type':
      return `instance type does not match any allowed primitive type (allowed: ["${String(p.type)}"])${at}`;
    case 'minLength':
      return `string is too short (required minimum: ${String(p.limit)})${at}`;
    case 'maxLength':
      return `string is too long (required maximum: ${String(p.limit)})${at}`;
    case 'pattern':
      return `ECMA 262 regex "${String(p.pattern)}" does not match input string${at}`;
    case 'enum':
      return `instance value not found in enum (possible values: ${JSON.stringify(p.allowedValues)})${at}`;
    default:
      return `${error.message ?? error.keyword}${at}`;
  }
}
