import { ApiGatewayGatewayResponse } from '@cdktf/provider-aws/lib/api-gateway-gateway-response';
import { Construct } from 'constructs';
import type { RestApi } from './rest-api';

export interface GatewayResponsesProps {
  readonly api: RestApi;
  /** The stage's CORS allowlist (exact origins). */
  readonly corsOrigins: readonly string[];
}

/**
 * Every answer API Gateway makes itself, by response type, with the status AWS gives it
 * (developerguide/supported-gateway-response-types.html). `undefined`: the status varies (INTEGRATION_FAILURE is a
 * 502 for a failed Lambda and a 504 otherwise; the DEFAULT_* types cover every status of their class), so the body
 * leaves `status` and `title` out rather than state a wrong one.
 */
export const GATEWAY_RESPONSE_TYPES: Readonly<Record<string, number | undefined>> = {
  ACCESS_DENIED: 403,
  API_CONFIGURATION_ERROR: 500,
  AUTHORIZER_CONFIGURATION_ERROR: 500,
  AUTHORIZER_FAILURE: 500,
  BAD_REQUEST_BODY: 400,
  BAD_REQUEST_PARAMETERS: 400,
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
  EXPIRED_TOKEN: 403,
  INTEGRATION_FAILURE: undefined,
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

/** RFC 9110 reason phrases of the statuses above: a problem's `title` for `type: about:blank`. */
const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  504: 'Gateway Timeout',
};

/** The header a BAD_REQUEST_BODY / BAD_REQUEST_PARAMETERS answer carries the validator's reason in. */
export const VALIDATION_ERROR_HEADER = 'X-Validation-Error';

const quoted = (value: string): string => `'${value}'`;

/**
 * The gateway's own errors in the function's format: `application/problem+json` (RFC 9457) with `type`, `title`,
 * `status`, `detail` (API Gateway's message), `code` (the response type, e.g. `THROTTLED`) and `requestId`, so a client parses one
 * error format whoever answered; the status codes stay AWS's.
 *
 * Gateway response templates get simple variable substitution, not VTL (developerguide
 * api-gateway-swagger-extensions-gateway-responses.responseTemplates.html): only `$context` values that arrive as
 * valid JSON (`messageString` is already a quoted string) or that cannot hold a quote (ids, type names) go into the
 * body. The validator's reason quotes the client's input, so it travels in the `X-Validation-Error` header instead.
 *
 * CORS: with one allowed origin every error carries it, statically. Response parameters cannot choose between
 * several origins (a mapping is a header of the request or a constant), and echoing `Origin` would let every site
 * read them, so with several origins the gateway sends none and the CloudFront function in front (see `Edge`) adds
 * `Access-Control-Allow-Origin` for an allowed origin. Clients calling the invoke URL directly from a browser then
 * cannot read the gateway's errors; that is the price of the allowlist, and the reason the edge exists.
 */
export class GatewayResponses extends Construct {
  readonly responses = new Map<string, ApiGatewayGatewayResponse>();

  constructor(scope: Construct, id: string, props: GatewayResponsesProps) {
    super(scope, id);
    const headers: Record<string, string> = { 'gatewayresponse.header.Content-Type': quoted('application/problem+json') };
    if (props.corsOrigins.length > 0) headers['gatewayresponse.header.Vary'] = quoted('Origin');
    if (props.corsOrigins.length === 1) headers['gatewayresponse.header.Access-Control-Allow-Origin'] = quoted(props.corsOrigins[0]!);
    for (const [type, status] of Object.entries(GATEWAY_RESPONSE_TYPES)) {
      const validation = type === 'BAD_REQUEST_BODY' || type === 'BAD_REQUEST_PARAMETERS';
      const response = props.api.define(
        new ApiGatewayGatewayResponse(this, type, {
          restApiId: props.api.id,
          responseType: type,
          responseParameters: validation
            ? { ...headers, [`gatewayresponse.header.${VALIDATION_ERROR_HEADER}`]: 'context.error.validationErrorString' }
            : headers,
          responseTemplates: { 'application/json': problemTemplate(status) },
        }),
      );
      this.responses.set(type, response);
    }
  }
}

/** The problem JSON template of one response type (only substitution-safe variables). */
export function problemTemplate(status: number | undefined): string {
  const known = status === undefined ? '' : `"title":"${TITLES[status] ?? 'Error'}","status":${status},`;
  return `{"type":"about:blank",${known}"detail":$context.error.messageString,"code":"$context.error.responseType","requestId":"$context.requestId"}`;
}
