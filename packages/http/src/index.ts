/**
 * `@portico/http`: router, request/response, problem-JSON errors, CORS and one schema per route for Lambda
 * functions behind API Gateway REST (v1) proxy integration. OpenAPI lives in `@portico/http/openapi` and test
 * helpers in `@portico/http/testing`, so neither reaches a Lambda bundle.
 */

// Routes
export { defineRoute, type RouteSpec, type AnyRouteSpec, type RouteAuth, type RouteCache, type RouteResponse, type RouteParams } from './route';
export type { PathParams } from './router/path';
export type { HttpMethod } from './router/pattern-router';

// App
export {
  createApp,
  type App,
  type AppOptions,
  type Handler,
  type Middleware,
  type RequestFor,
  type Logger,
  type LogEntry,
  type SerializedError,
} from './app';
export { HeaderMap, type PorticoRequest, type InboundRequest } from './request';

// Who called: `req.auth`, and the route's `auth` checked for tools that read the table (infra, OpenAPI)
export {
  routeAuth,
  readCognito,
  readLambda,
  readIam,
  parseGroups,
  type RequestAuth,
  type CognitoAuth,
  type LambdaAuth,
  type IamAuth,
  type AuthFor,
  type ResolvedAuth,
} from './auth';

// Responses
export { json, created, noContent, binary, text, toProxyResult, InvalidResultError, type HttpResult, type HttpResponse } from './responses';

// Errors
export {
  HttpError,
  BadRequestError,
  UnauthorizedError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  ConflictError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  UnprocessableEntityError,
  TooManyRequestsError,
  InternalServerError,
  ServiceUnavailableError,
  STATUS_TABLE,
  clientError,
  problemResponse,
  toPointer,
  type HttpErrorOptions,
  type Problem,
  type Violation,
} from './errors';

// CORS
export { createCors, type Cors, type CorsOptions } from './cors';

// Schemas (any Standard Schema: valibot, zod 4, ArkType…)
export { validate, type Schema, type Infer, type Validation } from './schema/validate';
export type { StandardSchemaV1 } from './schema/standard';
export {
  toGatewayModel,
  toJsonSchema,
  toDraft04,
  queryParameters,
  bodyRequired,
  DRAFT_04,
  type JsonSchema,
  type QueryParameter,
} from './schema/json-schema';
export { isJsonContentType } from './body';

// Router (for tools that route without an app, e.g. a local gateway)
export { createRouter, HTTP_METHODS } from './router/pattern-router';
export { compilePath, type CompiledPath, type Segment } from './router/path';
export type { Router, RouteMatch } from './router/types';

// The proxy event, as API Gateway builds it (the local gateway and the test factory share this builder)
export {
  buildProxyEvent,
  parseQuery,
  collectHeaders,
  isBinaryMediaType,
  formatRequestTime,
  dictionary,
  type ProxyEventParts,
  type FullProxyEvent,
  type ValueMaps,
  type CallerIdentityFields,
} from './aws/event';
export { cognitoAuthorizer, lambdaAuthorizer, javaDate, type AuthorizerContextValue } from './aws/authorizer-context';

// AWS Lambda edge: the handler for an app, and the pure converters behind it
export { handle } from './aws/lambda';
export { fromProxyEvent, readHeaders, readQuery, readBody, decodePath, toRequest, DEFAULT_BODY_LIMIT } from './aws/converters';
export type { ProxyEvent, ProxyResult, ProxyHandler, ProxyRequestContext } from './aws/types';
