/**
 * AWS_IAM methods: the request's SigV4 signature checked against locally issued credentials (`sigv4.ts`), then the
 * principal's permission to `execute-api:Invoke` the method ARN. A principal without it gets what AWS answers:
 * 403 `{"Message":"User: <arn> is not authorized to perform: execute-api:Invoke on resource: <method ARN>"}`
 * (AccessDeniedException), the account in the resource ARN masked but for its last four digits, as AWS masks it.
 *
 * The caller reaches a Lambda proxy integration as `requestContext.identity` (`accountId`, `caller`, `user`,
 * `userArn`, `accessKey`; developerguide `set-up-lambda-proxy-integrations.html`, `api-gateway-mapping-template-reference.html`
 * `$context.identity.*`): for an IAM user, `caller` and `user` are the user's unique id (`AIDA…`); for an assumed
 * role, `AROA…:<session>`.
 */
import { GatewayError } from '../gateway-responses';
import { digest } from '../stack/resolver';
import type { CallerIdentity } from './authorizer-result';
import { arnLike } from './policy';
import { verifySigV4, type LocalCredentials, type SignedRequestParts } from './sigv4';

/**
 * @example
 * const caller = await authorizeIam(parts, { region, now: clock.now(), credentials, methodArn });
 * if (caller instanceof GatewayError) return caller;
 */
export async function authorizeIam(
  request: SignedRequestParts,
  options: { region: string; now: number; credentials: ReadonlyMap<string, LocalCredentials>; methodArn: string },
): Promise<CallerIdentity | GatewayError> {
  const credentials = await verifySigV4(request, options);
  if (credentials instanceof GatewayError) return credentials;
  if (!(credentials.allow ?? ['*']).some((pattern) => arnLike(pattern, options.methodArn))) {
    return new GatewayError(
      'ACCESS_DENIED',
      `User: ${credentials.arn} is not authorized to perform: execute-api:Invoke on resource: ${maskAccount(options.methodArn)}`,
      403,
      '',
      { messageKey: 'Message' },
    );
  }
  return identityOf(credentials);
}

/** `arn:aws:execute-api:eu-west-1:123456789012:…` → `arn:aws:execute-api:eu-west-1:********9012:…` */
function maskAccount(arn: string): string {
  return arn.replace(/^(arn:aws:execute-api:[^:]*:)(\d*)(\d{4}):/, (_m, head: string, hidden: string, tail: string) => `${head}${'*'.repeat(hidden.length)}${tail}:`);
}

/**
 * What `requestContext.identity` shows for a principal.
 *
 * @example
 * identityOf({ accessKeyId: 'AKIA…', secretAccessKey: '…', arn: 'arn:aws:iam::123456789012:user/alice' }).caller; // 'AIDA…'
 */
export function identityOf(credentials: LocalCredentials): CallerIdentity {
  const accountId = /^arn:aws:(?:iam|sts)::(\d{12}):/.exec(credentials.arn)?.[1] ?? '';
  const session = /:assumed-role\/[^/]+\/(.+)$/.exec(credentials.arn)?.[1];
  const uniqueId = (session === undefined ? 'AIDA' : 'AROA') + digest(`principal:${credentials.arn}`, 17).toUpperCase();
  const caller = session === undefined ? uniqueId : `${uniqueId}:${session}`;
  return { accountId, caller, user: caller, userArn: credentials.arn, accessKey: credentials.accessKeyId };
}

/**
 * The credentials the gateway issues when it is given none: stable for a stack (derived from its API's id), for an
 * IAM user named `portico-local` of the stack's account.
 *
 * @example
 * defaultCredentials('a1b2c3d4e5', '123456789012'); // { accessKeyId: 'AKIA…', secretAccessKey: '…', arn: 'arn:aws:iam::123456789012:user/portico-local' }
 */
export function defaultCredentials(seed: string, accountId: string): LocalCredentials {
  return {
    accessKeyId: `AKIA${digest(`access-key:${seed}`, 16).toUpperCase()}`,
    secretAccessKey: digest(`secret-key:${seed}`, 40),
    arn: `arn:aws:iam::${accountId}:user/portico-local`,
  };
}
