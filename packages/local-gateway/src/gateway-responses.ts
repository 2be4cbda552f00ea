/**
 * Errors the gateway itself answers with (never the function), rendered through the API's gateway responses exactly
 * as configured: a specific type first, else DEFAULT_4XX / DEFAULT_5XX, else API Gateway's built-in body.
 */
import { renderMappingTemplate, type TemplateRequest } from './mapping-template';
import type { GatewayResponseDef, RestApiDef } from './terraform-stack';

/** Default status of each response type (DEFAULT_4XX/5XX have none of their own). */
export const GATEWAY_RESPONSE_STATUS: Record<string, number> = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_PARAMETERS: 400,
  BAD_REQUEST_BODY: 400,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: 504,
  INTEGRATION_TIMEOUT: 504,
  INVALID_API_KEY: 403,
  INVALID_SIGNATURE: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  QUOTA_EXCEEDED: 429,
  REQUEST_TOO_LARGE: 413,
  RESOURCE_NOT_FOUND: 404,
  THROTTLED: 429,
  UNAUTHORIZED: 401,
  UNSUPPORTED_MEDIA_TYPE: 415,
  WAF_FILTERED: 403,
};

/** `x-amzn-ErrorType` per response type, as API Gateway names its exceptions. */
const ERROR_TYPE: Record<string, string> = {
  ACCESS_DENIED: 'AccessDeniedException',
  BAD_REQUEST_PARAMETERS: 'BadRequestException',
  BAD_REQUEST_BODY: 'BadRequestException',
  INTEGRATION_TIMEOUT: 'InternalServerErrorException',
  INTEGRATION_FAILURE: 'InternalServerErrorException',
  INVALID_API_KEY: 'ForbiddenException',
  MISSING_AUTHENTICATION_TOKEN: 'MissingAuthenticationTokenException',
  QUOTA_EXCEEDED: 'LimitExceededException',
  REQUEST_TOO_LARGE: 'RequestEntityTooLargeException',
  THROTTLED: 'TooManyRequestsException',
  UNSUPPORTED_MEDIA_TYPE: 'UnsupportedMediaTypeException',
};

/**
 * A gateway-generated failure.
 *
 * @example
 * throw new GatewayError('THROTTLED', 'Too Many Requests');
 */
export class GatewayError extends Error {
  constructor(
    readonly responseType: string,
    message: string,
    /** Overrides the type's default status (a Lambda failure is DEFAULT_5XX with 502). */
    readonly statusCode: number = GATEWAY_RESPONSE_STATUS[responseType] ?? 500,
    /** `$context.error.validationErrorString` */
    readonly validationErrorString = '',
  ) {
    super(message);
    this.name = 'GatewayError';
  }

  get errorType(): string {
    return ERROR_TYPE[this.responseType] ?? (this.statusCode >= 500 ? 'InternalServerErrorException' : 'BadRequestException');
  }
}

export const missingAuthenticationToken = () => new GatewayError('MISSING_AUTHENTICATION_TOKEN', 'Missing Authentication Token');
export const forbidden = () => new GatewayError('INVALID_API_KEY', 'Forbidden');
export const throttled = () => new GatewayError('THROTTLED', 'Too Many Requests');
export const quotaExceeded = () => new GatewayError('QUOTA_EXCEEDED', 'Limit Exceeded');
export const requestTooLarge = () => new GatewayError('REQUEST_TOO_LARGE', 'Request Too Long');
export const integrationTimeout = () => new GatewayError('INTEGRATION_TIMEOUT', 'Endpoint request timed out');
/** Lambda threw, timed out, or returned a malformed result: API Gateway answers 502 through DEFAULT_5XX. */
export const lambdaFailure = () => new GatewayError('DEFAULT_5XX', 'Internal server error', 502);

/**
 * Response types API Gateway raises while the method runs (validation, the integration). With no gateway response
 * template of their own, AWS writes them as `{"message": "…"}`, with a space after the colon; the ones raised before
 * (routing, API keys, throttling, quota, payload size) come out of its default template
 * `{"message":$context.error.messageString}`, without one. Clients that compare bodies byte for byte see the difference.
 */
const METHOD_PHASE_TYPES = new Set(['BAD_REQUEST_BODY', 'BAD_REQUEST_PARAMETERS', 'INTEGRATION_FAILURE', 'INTEGRATION_TIMEOUT', 'DEFAULT_5XX']);

export interface RenderedResponse {
  statusCode: number;
  headers: Array<[string, string]>;
  body: string;
}

/**
 * Renders an error through the API's gateway responses.
 *
 * @example
 * renderGatewayError(api, throttled(), { requestId, stage: 'dev', ... }); // { statusCode: 429, body: '{"message":"Too Many Requests"}' }
 */
export function renderGatewayError(
  gatewayResponses: RestApiDef['gatewayResponses'] | undefined,
  error: GatewayError,
  vars: Record<string, string>,
  request?: TemplateRequest,
): RenderedResponse {
  const requestHeaders = request?.headers ?? {};
  const configured = gatewayResponses?.get(error.responseType);
  const fallback = configured ? undefined : gatewayResponses?.get(error.statusCode >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX');
  const chosen: GatewayResponseDef | undefined = configured ?? fallback;
  // A status code on DEFAULT_4XX/5XX changes every 4XX/5XX response that has no response of its own (AWS docs).
  const statusCode = chosen?.statusCode ?? error.statusCode;
  const template = chosen?.responseTemplates['application/json'] ?? firstValue(chosen?.responseTemplates);
  const context: Record<string, string> = {
    ...vars,
    'error.message': error.message,
    'error.messageString': JSON.stringify(error.message),
    'error.responseType': error.responseType,
    'error.validationErrorString': error.validationErrorString,
  };
  const headers: Array<[string, string]> = [['Content-Type', 'application/json']];
  for (const [key, value] of Object.entries(chosen?.responseParameters ?? {})) {
    const name = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
    if (!name) continue;
    const rendered = mapParameterValue(value, context, requestHeaders);
    if (rendered === undefined) continue;
    const existing = headers.findIndex(([n]) => n.toLowerCase() === name.toLowerCase());
    if (existing >= 0) headers.splice(existing, 1);
    headers.push([name, rendered]);
  }
  if (template === undefined) {
    const body = METHOD_PHASE_TYPES.has(error.responseType) ? `{"message": ${context['error.messageString']}}` : `{"message":${context['error.messageString']}}`;
    return { statusCode, headers, body };
  }
  const rendered = renderMappingTemplate(template, context, request);
  for (const [name, value] of Object.entries(rendered.override.headers)) headers.push([name, value]);
  return { statusCode: rendered.override.status ?? statusCode, headers, body: rendered.body };
}

function firstValue(map: Record<string, string> | undefined): string | undefined {
  return map ? Object.values(map)[0] : undefined;
}

/**
 * A mapping value: `'literal'` (quoted), `method.request.header.X` (from the request) or `context.x` variables.
 */
export function mapParameterValue(value: string, context: Record<string, string>, requestHeaders: Record<string, string>): string | undefined {
  const quoted = /^'(.*)'$/s.exec(value);
  if (quoted) return quoted[1];
  const header = /^method\.request\.header\.(.+)$/.exec(value);
  if (header?.[1]) {
    const wanted = header[1].toLowerCase();
    const hit = Object.entries(requestHeaders).find(([k]) => k.toLowerCase() === wanted);
    return hit?.[1];
  }
  const ctx = /^context\.(.+)$/.exec(value);
  if (ctx?.[1]) return context[ctx[1]];
  const stageVar = /^stageVariables\.(.+)$/.exec(value);
  if (stageVar?.[1]) return context[`stageVariables.${stageVar[1]}`];
  return undefined;
}
