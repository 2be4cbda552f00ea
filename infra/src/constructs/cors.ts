import { ApiGatewayIntegration } from '@cdktf/provider-aws/lib/api-gateway-integration';
import { ApiGatewayIntegrationResponse } from '@cdktf/provider-aws/lib/api-gateway-integration-response';
import { ApiGatewayMethod } from '@cdktf/provider-aws/lib/api-gateway-method';
import { ApiGatewayMethodResponse } from '@cdktf/provider-aws/lib/api-gateway-method-response';
import { Construct } from 'constructs';
import { pascalCase } from '../gateway-routes';
import type { RestApi } from './rest-api';

export interface CorsProps {
  readonly api: RestApi;
  /** Exact origins (scheme + host + port) allowed to call the API from a browser. */
  readonly origins: readonly string[];
  /** Resource path → the methods it serves (OPTIONS is added). */
  readonly resources: ReadonlyMap<string, readonly string[]>;
  /** @default ['Content-Type', 'X-Api-Key', 'Authorization'] */
  readonly allowHeaders?: readonly string[];
  /** How long a browser may reuse a preflight answer, in seconds. @default 600 */
  readonly maxAgeSeconds?: number;
}

const HEADER = (name: string): string => `method.response.header.${name}`;
const quoted = (value: string): string => `'${value}'`;

/**
 * CORS preflight at the gateway: the function never sees an OPTIONS request (the gateway's own errors get their
 * CORS headers from `GatewayResponses`).
 *
 * Preflight is an OPTIONS MOCK method per resource. A MOCK can only return fixed headers, and an allowlist of several
 * origins needs the one that asked echoed back, so the integration response template compares the request's
 * `Origin` with the allowlist and sets `Access-Control-Allow-Origin` through `$context.responseOverride` only on a
 * match; a foreign origin gets no Allow-Origin header and the browser refuses. With a single origin the header is a
 * plain static value.
 */
export class Cors extends Construct {
  constructor(scope: Construct, id: string, private readonly props: CorsProps) {
    super(scope, id);
    if (props.origins.length === 0) throw new Error('CORS needs at least one allowed origin');
    for (const [path, methods] of props.resources) this.addPreflight(path, methods);
  }

  private addPreflight(path: string, methods: readonly string[]): void {
    const { api } = this.props;
    const id = pascalCase(path) || 'Root';
    const method = api.define(
      new ApiGatewayMethod(this, `${id}Options`, {
        restApiId: api.id,
        resourceId: api.resourceId(path),
        httpMethod: 'OPTIONS',
        authorization: 'NONE',
        apiKeyRequired: false,
      }),
    );
    const integration = api.define(
      new ApiGatewayIntegration(this, `${id}OptionsIntegration`, {
        restApiId: api.id,
        resourceId: method.resourceId,
        httpMethod: method.httpMethod,
        type: 'MOCK',
        requestTemplates: { 'application/json': '{"statusCode": 204}' },
      }),
    );
    const headers = this.preflightHeaders([...new Set([...methods, 'OPTIONS'])]);
    const methodResponse = api.define(
      new ApiGatewayMethodResponse(this, `${id}OptionsResponse`, {
        restApiId: api.id,
        resourceId: method.resourceId,
        httpMethod: method.httpMethod,
        statusCode: '204',
        responseParameters: Object.fromEntries(Object.keys(headers).map((name) => [name, false])),
      }),
    );
    api.define(
      new ApiGatewayIntegrationResponse(this, `${id}OptionsIntegrationResponse`, {
        restApiId: api.id,
        resourceId: method.resourceId,
        httpMethod: method.httpMethod,
        statusCode: methodResponse.statusCode,
        responseParameters: Object.fromEntries(
          Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined),
        ),
        responseTemplates: { 'application/json': this.originTemplate() },
        dependsOn: [integration],
      }),
    );
  }

  /** Header → static mapping value; `undefined` marks a header the template sets. */
  private preflightHeaders(methods: readonly string[]): Record<string, string | undefined> {
    const { origins } = this.props;
    return {
      [HEADER('Access-Control-Allow-Origin')]: origins.length === 1 ? quoted(origins[0]!) : undefined,
      [HEADER('Access-Control-Allow-Methods')]: quoted(methods.join(',')),
      [HEADER('Access-Control-Allow-Headers')]: quoted(this.allowHeaders()),
      [HEADER('Access-Control-Max-Age')]: quoted(String(this.props.maxAgeSeconds ?? 600)),
      [HEADER('Vary')]: quoted('Origin'),
    };
  }

  /** Empty body; with several origins, sets Allow-Origin to the caller's origin when it is on the list. */
  private originTemplate(): string {
    const { origins } = this.props;
    if (origins.length === 1) return '';
    const test = origins.map((o) => `$origin == "${o}"`).join(' || ');
    return [
      '#set($origin = $input.params().header.get("Origin"))',
      '#if("$!origin" == "")#set($origin = $input.params().header.get("origin"))#end',
      `#if(${test})`,
      '#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)',
      '#end',
    ].join('\n');
  }

  private allowHeaders(): string {
    return (this.props.allowHeaders ?? ['Content-Type', 'X-Api-Key', 'Authorization']).join(',');
  }
}
