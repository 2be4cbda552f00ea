/**
 * Lambda authorizers (TOKEN and REQUEST), run through the same execution environments as integrations (a pool of
 * their own per function), as API Gateway runs them:
 *
 * - identity first: a TOKEN authorizer needs its header, non-empty and matching `identity_validation_expression`
 *   (Java regular expression, whole token); a REQUEST authorizer needs every identity source present and non-empty.
 *   Otherwise 401 `Unauthorized` and the function is not invoked (API reference `API_Authorizer.html`,
 *   identitySource and identityValidationExpression);
 * - the event: TOKEN `{ type, authorizationToken, methodArn }`; REQUEST the request's headers, query, path and stage
 *   variables and `requestContext` (developerguide `api-gateway-lambda-authorizer-input.html`);
 * - the answer: `Unauthorized` as the error message → 401; any other error, a timeout or an output API Gateway cannot
 *   use → 500 AuthorizerConfigurationException; else the policy decides: explicit Deny 403 "…with an explicit deny",
 *   no Allow 403 "User is not authorized to access this resource" (`api-gateway-lambda-authorizer-output.html`);
 * - caching: with a TTL (default 300 s; 0 = off) an output is kept per identity-source values and evaluated again
 *   for each method ARN — so a policy that allows only the first method's ARN denies the others until it expires,
 *   AWS's documented trap ("ensure that the policy applies to all resources and methods").
 */
import { lambdaAuthorizer } from '@portico/http';
import type { Clock } from '../clock';
import { accessDenied, authorizerConfigurationError, GatewayError, unauthorized } from '../gateway-responses';
import { javaMatches } from '../java-regex';
import type { FunctionPool } from '../lambda-pool';
import { invokeWithTimeout } from '../lambda-proxy';
import type { AuthorizerDef } from '../terraform-stack';
import type { AuthorizerResult } from './authorizer-result';
import { evaluatePolicy, MalformedAuthorizerOutput, parseAuthorizerOutput, type AuthorizerOutput } from './policy';

/** Cached outputs kept at most per authorizer (the oldest go first). */
const MAX_CACHED_OUTPUTS = 10_000;

/** What the pipeline knows about the request when an authorizer runs. */
export interface LambdaAuthorizeInput {
  methodArn: string;
  requestId: string;
  /** A request header's last value, by case-insensitive name. */
  header(name: string): string | undefined;
  /** The value of a REQUEST identity source (`method.request.querystring.q`, `stageVariables.x`, `context.x`…). */
  source(source: string): string | undefined;
  /** The REQUEST event without `type` and `methodArn` (the proxy event's fields, no body). */
  requestEvent(): Record<string, unknown>;
  timeoutMs: number;
  /** Appends to the request's log line. */
  note(text: string): void;
}

/**
 * One Lambda authorizer of a stage: its cache and the pool its function runs in.
 *
 * @example
 * const authorizer = new LambdaAuthorizer(def, pool, clock);
 * const result = await authorizer.authorize(input); // AuthorizerResult, or a GatewayError (401/403/500) to answer with
 */
export class LambdaAuthorizer {
  private readonly cache = new Map<string, { output: AuthorizerOutput; expires: number }>();

  constructor(
    readonly def: AuthorizerDef,
    private readonly pool: FunctionPool,
    private readonly clock: Clock,
  ) {}

  async authorize(input: LambdaAuthorizeInput): Promise<AuthorizerResult | GatewayError> {
    const def = this.def;
    let values: string[];
    if (def.type === 'TOKEN') {
      const token = input.header(def.identitySources[0]!.slice('method.request.header.'.length));
      if (token === undefined || token === '') return this.refuse(input, 'no token');
      if (def.validationExpression !== undefined && !javaMatches(token, def.validationExpression)) return this.refuse(input, 'token fails the validation expression');
      values = [token];
    } else {
      values = [];
      for (const source of def.identitySources) {
        const value = input.source(source);
        if (value === undefined || value === '') return this.refuse(input, `identity source ${source} missing`);
        values.push(value);
      }
    }

    const key = values.length === 1 ? values[0]! : JSON.stringify(values);
    const now = this.clock.now();
    const cached = def.ttlSeconds > 0 ? this.cache.get(key) : undefined;
    let output: AuthorizerOutput;
    let latencyMs = 0;
    if (cached && cached.expires > now) {
      output = cached.output;
      input.note(' (authorizer cache hit)');
    } else {
      const invoked = await this.invoke(input, values);
      if (invoked instanceof GatewayError) return invoked;
      ({ output, latencyMs } = invoked);
      if (def.ttlSeconds > 0) {
        this.cache.delete(key);
        if (this.cache.size >= MAX_CACHED_OUTPUTS) this.cache.delete(this.cache.keys().next().value!);
        this.cache.set(key, { output, expires: now + def.ttlSeconds * 1000 });
      }
    }

    const result = toResult(output, latencyMs);
    const decision = evaluatePolicy(output.statements, input.methodArn);
    if (decision !== 'allow') {
      input.note(` (authorizer: ${decision === 'explicit-deny' ? 'explicit deny' : 'no Allow for ' + input.methodArn})`);
      result.denied = accessDenied(decision === 'explicit-deny');
    }
    return result;
  }

  private refuse(input: LambdaAuthorizeInput, why: string): GatewayError {
    input.note(` (authorizer: ${why})`);
    return unauthorized();
  }

  private async invoke(input: LambdaAuthorizeInput, values: string[]): Promise<{ output: AuthorizerOutput; latencyMs: number } | GatewayError> {
    const event =
      this.def.type === 'TOKEN'
        ? { type: 'TOKEN', authorizationToken: values[0], methodArn: input.methodArn }
        : { type: 'REQUEST', methodArn: input.methodArn, ...input.requestEvent() };
    const started = performance.now();
    const report = await invokeWithTimeout(this.pool, event, input.requestId, input.timeoutMs);
    const latencyMs = Math.round(performance.now() - started);
    if (report === 'gateway-timeout') {
      input.note(' (authorizer timed out)');
      return authorizerConfigurationError();
    }
    const outcome = report.outcome;
    if (outcome.kind === 'error' && outcome.errorMessage === 'Unauthorized') return this.refuse(input, 'the function answered Unauthorized');
    if (outcome.kind !== 'ok') {
      input.note(` (authorizer failed: ${outcome.kind === 'error' ? `${outcome.errorType}: ${outcome.errorMessage}` : outcome.kind})`);
      return authorizerConfigurationError();
    }
    try {
      return { output: parseAuthorizerOutput(outcome.result), latencyMs };
    } catch (error) {
      if (!(error instanceof MalformedAuthorizerOutput)) throw error;
      input.note(` (authorizer output unusable: ${error.message})`);
      return authorizerConfigurationError();
    }
  }

  /** Drops every cached output (FlushStageAuthorizersCache). */
  flush(): void {
    this.cache.clear();
  }
}

function toResult(output: AuthorizerOutput, latencyMs: number): AuthorizerResult {
  // The integration's view, rendered by @portico/http as its test events render it; latency 0 from the cache.
  const event = lambdaAuthorizer(output.principalId, output.context, latencyMs);
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(output.context)) vars[`authorizer.${key}`] = value;
  vars['authorizer.principalId'] = output.principalId;
  return { event, vars, usageIdentifierKey: output.usageIdentifierKey };
}
