/**
 * `@portico/http/openapi`: an OpenAPI 3.0 document from the route table. Kept out of the main entry so JSON
 * Schema generation never reaches a Lambda bundle.
 */
import { routeAuth } from './auth';
import { STATUS_TABLE } from './errors';
import type { AnyRouteSpec } from './route';
import { compilePath } from './router/path';
import { bodyRequired, queryParameters, toDraft04, toJsonSchema, type JsonSchema } from './schema/json-schema';
import type { StandardSchemaV1 } from './schema/standard';

/** Document-level facts `toOpenApi` cannot know from the routes. */
export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
  servers?: readonly { url: string; description?: string }[];
  /** What the routes' `auth` cannot say about how clients present credentials. */
  auth?: OpenApiAuthInfo;
}

/** Deployment facts for the security schemes. */
export interface OpenApiAuthInfo {
  /**
   * The user pool's issuer (`https://cognito-idp.{region}.amazonaws.com/{poolId}`). With it, Cognito routes use an
   * OpenID Connect scheme that lists each route's scopes; without it, an HTTP bearer scheme, where OpenAPI 3.0 allows
   * no scopes.
   */
  cognitoIssuer?: string;
  /** Each Lambda authorizer's identity-source header, by authorizer name. @default 'Authorization' */
  lambdaHeaders?: Readonly<Record<string, string>>;
}

/** An OpenAPI 3.0 document (loosely typed: it is data for tools). */
export type OpenApiDocument = { openapi: '3.0.3'; info: JsonSchema; paths: Record<string, JsonSchema> } & JsonSchema;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
/** Fresh per response: a shared object would come out as YAML anchors from some serialisers. */
const problemContent = () => ({ 'application/problem+json': { schema: { ...PROBLEM_REF } } });
const API_KEY_SCHEME = 'apiKey';
const COGNITO_SCHEME = 'cognito';
const SIGV4_SCHEME = 'sigv4';

/**
 * RFC 9457 makes every member optional, and API Gateway's own answers (DEFAULT_4XX/5XX gateway responses rendered as
 * problems) carry no `title` or `status`: only what every problem here carries is required.
 */
const PROBLEM_SCHEMA: JsonSchema = {
  type: 'object',
  description: 'RFC 9457 problem details',
  required: ['type', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['pointer', 'message', 'code'],
        properties: {
          pointer: { type: 'string', description: 'RFC 6901 JSON pointer' },
          message: { type: 'string' },
          code: { type: 'string' },
          in: { type: 'string', enum: ['body', 'query', 'path'] },
        },
      },
    },
  },
};

/**
 * Builds an OpenAPI 3.0 document: one operation per route, with path and query parameters, the JSON request body,
 * documented responses (a status ≥ 400 without a schema is a problem), problem+json error responses, and each
 * route's security: the `x-api-key` scheme on key-protected routes; `cognito` (OpenID Connect with the route's
 * scopes when `auth.cognitoIssuer` is given, else HTTP bearer); `sigv4` (API Gateway's
 * `x-amazon-apigateway-authtype: awsSigv4`); one apiKey-style scheme per Lambda authorizer, named after it, in its
 * identity-source header. `ANY` routes use API Gateway's `x-amazon-apigateway-any-method` key.
 *
 * @example
 * import { toOpenApi } from '@portico/http/openapi';
 * const doc = toOpenApi(Object.values(routes), { title: 'Users API', version: '1.0.0' });
 */
export function toOpenApi(
  routes: readonly AnyRouteSpec[] | Readonly<Record<string, AnyRouteSpec>>,
  info: OpenApiInfo,
): OpenApiDocument {
  const list = Array.isArray(routes) ? routes : Object.values(routes);
  const paths: Record<string, JsonSchema> = {};
  const schemes: Record<string, JsonSchema> = {};
  for (const route of list) {
    const item = (paths[route.path] ??= {});
    const key = route.method === 'ANY' ? 'x-amazon-apigateway-any-method' : route.method.toLowerCase();
    item[key] = operation(route, info.auth ?? {}, schemes);
  }
  const components: JsonSchema = { schemas: { Problem: PROBLEM_SCHEMA } };
  if (Object.keys(schemes).length > 0) components.securitySchemes = schemes;
  const doc: OpenApiDocument = {
    openapi: '3.0.3',
    info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
    paths,
    components,
  };
  if (info.servers) doc.servers = info.servers.map((server) => ({ ...server }));
  return doc;
}

/** The route's security requirement (one object: every scheme in it applies), registering the schemes it names. */
function security(route: AnyRouteSpec, info: OpenApiAuthInfo, schemes: Record<string, JsonSchema>): JsonSchema | undefined {
  const requirement: JsonSchema = {};
  if (route.apiKeyRequired) {
    schemes[API_KEY_SCHEME] = { type: 'apiKey', in: 'header', name: 'x-api-key' };
    requirement[API_KEY_SCHEME] = [];
  }
  const auth = routeAuth(route);
  if (auth.kind === 'cognito') {
    const issuer = info.cognitoIssuer?.replace(/\/+$/u, '');
    schemes[COGNITO_SCHEME] = issuer
      ? { type: 'openIdConnect', openIdConnectUrl: `${issuer}/.well-known/openid-configuration`, description: COGNITO_DESCRIPTION }
      : { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: COGNITO_DESCRIPTION };
    requirement[COGNITO_SCHEME] = issuer ? [...auth.scopes] : [];
  } else if (auth.kind === 'iam') {
    schemes[SIGV4_SCHEME] = { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' };
    requirement[SIGV4_SCHEME] = [];
  } else if (auth.kind === 'lambda') {
    const header = info.lambdaHeaders?.[auth.authorizer] ?? 'Authorization';
    schemes[auth.authorizer] = { type: 'apiKey', name: header, in: 'header', 'x-amazon-apigateway-authtype': 'custom' };
    requirement[auth.authorizer] = [];
  }
  return Object.keys(requirement).length > 0 ? requirement : undefined;
}

const COGNITO_DESCRIPTION = 'A Cognito user pool token in the Authorization header: an ID token, or an access token on operations that list scopes';

function operation(route: AnyRouteSpec, info: OpenApiAuthInfo, schemes: Record<string, JsonSchema>): JsonSchema {
  const op: JsonSchema = {};
  if (route.operationId) op.operationId = route.operationId;
  if (route.summary) op.summary = route.summary;
  const parameters: JsonSchema[] = [];
  for (const name of compilePath(route.path).names) parameters.push({ name, in: 'path', required: true, schema: { type: 'string' } });
  for (const { name, required, schema } of queryParameters(route)) {
    parameters.push({ name, in: 'query', required, schema: toOpenApiSchema(schema) });
  }
  if (parameters.length > 0) op.parameters = parameters;
  if (route.body) {
    op.requestBody = {
      required: bodyRequired(route),
      content: { 'application/json': { schema: toSchema(route.body) } },
    };
  }
  const responses: JsonSchema = {};
  for (const [status, response] of Object.entries(route.responses ?? {})) {
    // Every error the app or the gateway answers is a problem, so a documented error without a schema is one too.
    responses[status] = response.schema
      ? { description: response.description, content: { 'application/json': { schema: toSchema(response.schema) } } }
      : Number(status) >= 400
        ? { description: response.description, content: problemContent() }
        : { description: response.description };
  }
  if (Object.keys(responses).length === 0) responses[route.method === 'POST' ? '201' : '200'] = { description: 'Success' };
  const auth = routeAuth(route);
  const errors: number[] = [];
  if (route.body || route.query || parameters.length > 0) errors.push(400);
  if (auth.kind !== 'none') errors.push(401);
  if (route.apiKeyRequired || auth.kind === 'iam' || auth.kind === 'lambda' || (auth.kind === 'cognito' && (auth.scopes.length > 0 || auth.groups.length > 0))) {
    errors.push(403);
  }
  if (parameters.some((parameter) => parameter.in === 'path')) errors.push(404);
  if (route.body) errors.push(413, 415);
  errors.push(500);
  for (const status of errors) {
    responses[String(status)] ??= { description: STATUS_TABLE[status as keyof typeof STATUS_TABLE], content: problemContent() };
  }
  op.responses = responses;
  const requirement = security(route, info, schemes);
  if (requirement) op.security = [requirement];
  return op;
}

function toSchema(schema: StandardSchemaV1): JsonSchema {
  return toOpenApiSchema(toJsonSchema(schema));
}

/**
 * OpenAPI 3.0's schema object is draft-04 plus `nullable`: a `null` branch (`type: [T, "null"]` or
 * `anyOf: [S, { type: "null" }]`) becomes `nullable: true`.
 */
function toOpenApiSchema(schema: JsonSchema): JsonSchema {
  return nullable(toDraft04(schema)) as JsonSchema;
}

function nullable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(nullable);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, nullable(value)]));
  const isNull = (branch: unknown) => (branch as JsonSchema | null)?.type === 'null';
  if (Array.isArray(out.type) && out.type.includes('null')) {
    const types = out.type.filter((type) => type !== 'null');
    out.type = types.length === 1 ? types[0] : types;
    out.nullable = true;
  }
  const anyOf = out.anyOf;
  if (Array.isArray(anyOf) && anyOf.some(isNull)) {
    const rest = anyOf.filter((branch) => !isNull(branch));
    delete out.anyOf;
    if (rest.length === 1) Object.assign(out, rest[0]);
    else out.anyOf = rest;
    out.nullable = true;
  }
  return out;
}
