/**
 * What a Lambda authorizer answers, checked and evaluated as API Gateway does: the output's shape
 * (developerguide `api-gateway-lambda-authorizer-output.html`: `principalId`, `policyDocument`, optional `context` of
 * string, number and boolean values, optional `usageIdentifierKey`), then its IAM policy against the method ARN —
 * an explicit Deny wins, else an Allow must match, else the request is denied (IAM's evaluation logic,
 * `reference_policies_evaluation-logic.html`; `api-gateway-control-access-using-iam-policies-to-invoke-api.html`).
 *
 * Hand-written: the policy subset an authorizer returns (Effect, Action, Resource and their Not forms, `*` and `?`
 * wildcards matched per ARN segment) is small, and matching AWS's answers on it is the product.
 */

/** A method ARN: `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`. */
export interface MethodArnParts {
  region: string;
  accountId: string;
  apiId: string;
  stage: string;
  httpMethod: string;
  /** The request path after the stage, as sent, without its leading `/` (`''` for the root). */
  path: string;
}

/**
 * @example
 * methodArn({ region: 'eu-west-1', accountId: '123456789012', apiId: 'a1b2c3', stage: 'dev', httpMethod: 'GET', path: 'orders/42' });
 * // 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/orders/42'
 */
export function methodArn(parts: MethodArnParts): string {
  return `arn:aws:execute-api:${parts.region}:${parts.accountId}:${parts.apiId}/${parts.stage}/${parts.httpMethod}/${parts.path}`;
}

/** An authorizer's output once checked: string context values, as the integration receives them. */
export interface AuthorizerOutput {
  principalId: string;
  statements: PolicyStatement[];
  context: Record<string, string>;
  usageIdentifierKey?: string;
}

interface PolicyStatement {
  effect: 'Allow' | 'Deny';
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  /** Conditions are not evaluated locally: such a statement may deny, never allow. */
  conditional: boolean;
}

/** Why an output is unusable; API Gateway answers 500 AuthorizerConfigurationException. */
export class MalformedAuthorizerOutput extends Error {}

/**
 * Checks an authorizer's result. Context values become strings (`1` → `"1"`, `true` → `"true"`), as a Lambda proxy
 * integration receives them; an object, array or null among them makes the output unusable.
 *
 * @example
 * parseAuthorizerOutput({ principalId: 'u1', policyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'execute-api:Invoke', Resource: '*' }] } });
 */
export function parseAuthorizerOutput(result: unknown): AuthorizerOutput {
  if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new MalformedAuthorizerOutput('the result is not an object');
  const output = result as Record<string, unknown>;
  const principal = output.principalId;
  if (typeof principal !== 'string' && typeof principal !== 'number' && typeof principal !== 'boolean') {
    throw new MalformedAuthorizerOutput('principalId is missing');
  }
  const document = output.policyDocument;
  if (document === null || typeof document !== 'object' || Array.isArray(document)) throw new MalformedAuthorizerOutput('policyDocument is missing');
  const rawStatements = (document as Record<string, unknown>).Statement;
  const list = Array.isArray(rawStatements) ? rawStatements : rawStatements !== null && typeof rawStatements === 'object' ? [rawStatements] : undefined;
  if (!list) throw new MalformedAuthorizerOutput('policyDocument.Statement is missing');
  const statements = list.map(parseStatement);

  const context = Object.create(null) as Record<string, string>;
  if (output.context !== undefined && output.context !== null) {
    if (typeof output.context !== 'object' || Array.isArray(output.context)) throw new MalformedAuthorizerOutput('context is not an object');
    for (const [key, value] of Object.entries(output.context as Record<string, unknown>)) {
      if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
        throw new MalformedAuthorizerOutput(`context.${key} is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}: only strings, numbers and booleans are allowed`);
      }
      context[key] = String(value);
    }
  }
  const key = output.usageIdentifierKey;
  return { principalId: String(principal), statements, context, usageIdentifierKey: typeof key === 'string' ? key : undefined };
}

function parseStatement(raw: unknown): PolicyStatement {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new MalformedAuthorizerOutput('a policy statement is not an object');
  const s = raw as Record<string, unknown>;
  if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw new MalformedAuthorizerOutput(`a policy statement's Effect is ${JSON.stringify(s.Effect)}, not "Allow" or "Deny"`);
  const list = (key: string): string[] | undefined => {
    const value = s[key];
    if (value === undefined) return undefined;
    const values = Array.isArray(value) ? value : [value];
    if (!values.every((v) => typeof v === 'string')) throw new MalformedAuthorizerOutput(`a policy statement's ${key} is not a string or a list of strings`);
    return values as string[];
  };
  const statement: PolicyStatement = {
    effect: s.Effect,
    actions: list('Action'),
    notActions: list('NotAction'),
    resources: list('Resource'),
    notResources: list('NotResource'),
    conditional: s.Condition !== undefined && s.Condition !== null && Object.keys(s.Condition as object).length > 0,
  };
  if (!statement.actions === !statement.notActions) throw new MalformedAuthorizerOutput('a policy statement needs exactly one of Action and NotAction');
  if (!statement.resources === !statement.notResources) throw new MalformedAuthorizerOutput('a policy statement needs exactly one of Resource and NotResource');
  return statement;
}

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

const INVOKE_ACTION = 'execute-api:Invoke';

/**
 * IAM's evaluation for one request: any matching Deny → explicit deny; else any matching Allow → allow; else an
 * implicit deny. A statement with a Condition may deny but never allow (conditions are not evaluated locally, and
 * allowing what AWS might refuse would hide a bug).
 *
 * @example
 * evaluatePolicy(output.statements, 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/orders/42'); // 'allow'
 */
export function evaluatePolicy(statements: readonly PolicyStatement[], arn: string): PolicyDecision {
  let allowed = false;
  for (const s of statements) {
    const actionMatches = s.actions ? s.actions.some((a) => actionLike(a)) : !s.notActions!.some((a) => actionLike(a));
    if (!actionMatches) continue;
    const resourceMatches = s.resources ? s.resources.some((r) => arnLike(r, arn)) : !s.notResources!.some((r) => arnLike(r, arn));
    if (!resourceMatches) continue;
    if (s.effect === 'Deny') return 'explicit-deny';
    if (!s.conditional) allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

/** IAM action names match case-insensitively, with `*` and `?`. */
function actionLike(pattern: string): boolean {
  return globMatch(pattern.toLowerCase(), INVOKE_ACTION.toLowerCase());
}

/**
 * IAM's ArnLike: the six colon-separated parts of an ARN are matched one by one, so a wildcard never spans a colon;
 * in the last part (`{apiId}/{stage}/{METHOD}/{path}`) `*` spans slashes. `*` alone matches every resource.
 *
 * @example
 * arnLike('arn:aws:execute-api:*:*:a1b2c3/dev/*', 'arn:aws:execute-api:eu-west-1:123456789012:a1b2c3/dev/GET/orders'); // true
 */
export function arnLike(pattern: string, arn: string): boolean {
  if (pattern === '*') return true;
  const want = splitArn(pattern);
  const have = splitArn(arn);
  if (!want || !have) return false;
  for (let i = 0; i < 6; i++) if (!globMatch(want[i]!, have[i]!)) return false;
  return true;
}

function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon === -1) return undefined;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/** `*` any run of characters, `?` exactly one; everything else literal. */
export function globMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
      p++;
      t++;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}
