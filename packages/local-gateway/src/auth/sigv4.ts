/**
 * Verifying a SigV4-signed request to `execute-api` as API Gateway does for AWS_IAM methods: the signature in the
 * `Authorization` header or in the query string (presigned), recomputed with `@smithy/signature-v4`'s canonical
 * request, string to sign and signing key — the same code the AWS SDK signs with — against locally issued
 * credentials. The answers are AWS's (status 403 each):
 *
 * - no signature at all: `Missing Authentication Token` (MissingAuthenticationTokenException);
 * - an Authorization header that is not `key=value` pairs (a `Bearer` token): "Invalid key=value pair (missing
 *   equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '…'."; one missing
 *   `Credential`, `Signature`, `SignedHeaders` or a date: "Authorization header requires '…' parameter." …
 *   (IncompleteSignatureException);
 * - an unknown access key or a wrong session token: "The security token included in the request is invalid."
 *   (UnrecognizedClientException); an expired session: "The security token included in the request is expired"
 *   (ExpiredTokenException);
 * - more than 5 minutes off the gateway's clock: "Signature expired: … is now earlier than … (… - 5 min.)" or
 *   "Signature not yet current: … is still later than … (… + 5 min.)"; a wrong signature: "The request signature we
 *   calculated does not match the signature you provided. …" with the canonical string and string to sign AWS shows
 *   (InvalidSignatureException).
 *
 * Sources: IAM user guide `reference_sigv-create-signed-request.html` (the algorithm), `signature-v4-troubleshooting.html`
 * (the messages), developerguide `api-gateway-control-access-using-iam-policies-to-invoke-api.html`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hash, toHex } from '@smithy/core/serde';
import { ALGORITHM_IDENTIFIER, createScope, getCanonicalHeaders, getPayloadHash, getSigningKey, SignatureV4Base } from '@smithy/signature-v4';
import { GatewayError, missingAuthenticationToken } from '../gateway-responses';

/** `@smithy/core`'s node:crypto hash, as the SDK hands it to the signer. */
const Sha256 = Hash.bind(null, 'sha256') as unknown as Parameters<typeof getSigningKey>[0] & (new (secret?: Uint8Array) => InstanceType<typeof Hash>);
const SERVICE = 'execute-api';
const MAX_SKEW_MS = 5 * 60_000;

/** Credentials the local gateway accepts, and the principal they stand for. */
export interface LocalCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  /** A temporary credential's session token: requests must send it (`X-Amz-Security-Token`). */
  sessionToken?: string;
  /** When a temporary credential expires (epoch ms, the gateway's clock). */
  expiresAt?: number;
  /** The IAM user or role session: `arn:aws:iam::123456789012:user/alice`, `arn:aws:sts::…:assumed-role/role/session`. */
  arn: string;
  /**
   * Method ARNs the principal may invoke (`execute-api:Invoke`), with `*` and `?` wildcards:
   * `arn:aws:execute-api:*:*:*​/dev/GET/*`. Default: every method.
   */
  allow?: string[];
}

/** The parts of a request a signature covers. */
export interface SignedRequestParts {
  method: string;
  /** The path as sent, stage included. */
  rawPath: string;
  rawQuery: string;
  rawHeaders: readonly string[];
  body: Uint8Array;
}

/** Exposes the canonical request and string to sign of `@smithy/signature-v4`, which the signer keeps protected. */
class CanonicalForm extends SignatureV4Base {
  constructor(region: string) {
    super({ service: SERVICE, region, credentials: { accessKeyId: '', secretAccessKey: '' }, sha256: Sha256 });
  }

  canonicalRequest(request: Parameters<SignatureV4Base['createCanonicalRequest']>[0], headers: Record<string, string>, payloadHash: string): string {
    return this.createCanonicalRequest(request, headers, payloadHash);
  }

  stringToSign(longDate: string, scope: string, canonicalRequest: string): Promise<string> {
    return this.createStringToSign(longDate, scope, canonicalRequest, ALGORITHM_IDENTIFIER);
  }
}

const incomplete = (message: string) => new GatewayError('INVALID_SIGNATURE', message, 403, '', { errorType: 'IncompleteSignatureException' });
const invalidSignature = (message: string) => new GatewayError('INVALID_SIGNATURE', message);
const invalidToken = () => new GatewayError('INVALID_SIGNATURE', 'The security token included in the request is invalid.', 403, '', { errorType: 'UnrecognizedClientException' });
const expiredToken = () => new GatewayError('EXPIRED_TOKEN', 'The security token included in the request is expired');

/**
 * Checks a request's SigV4 signature; resolves to the credentials that signed it, or the error AWS answers with.
 *
 * @example
 * const outcome = await verifySigV4(parts, { region: 'eu-west-1', now: Date.now(), credentials });
 * if (outcome instanceof GatewayError) return outcome; // 403
 */
export async function verifySigV4(
  request: SignedRequestParts,
  options: { region: string; now: number; credentials: ReadonlyMap<string, LocalCredentials> },
): Promise<LocalCredentials | GatewayError> {
  const headers = headerLists(request.rawHeaders);
  const query = queryLists(request.rawQuery);
  const presigned = query.has('X-Amz-Signature') || query.has('X-Amz-Algorithm');
  let fields: Record<string, string>;
  let amzDate: string | undefined;
  if (presigned) {
    fields = {
      Credential: last(query.get('X-Amz-Credential')) ?? '',
      SignedHeaders: last(query.get('X-Amz-SignedHeaders')) ?? '',
      Signature: last(query.get('X-Amz-Signature')) ?? '',
    };
    amzDate = last(query.get('X-Amz-Date'));
    if (last(query.get('X-Amz-Algorithm')) !== ALGORITHM_IDENTIFIER) return incomplete(`X-Amz-Algorithm only supports "${ALGORITHM_IDENTIFIER}"`);
    const missing = ['Credential', 'SignedHeaders', 'Signature', 'Date'].filter((k) => !(k === 'Date' ? amzDate : fields[k]));
    if (missing.length > 0) return incomplete(missing.map((k) => `AWS query-string parameters must include 'X-Amz-${k}'.`).join(' ') + ' Re-examine the query-string parameters.');
  } else {
    const authorization = last(headers.get('authorization'));
    if (authorization === undefined) return missingAuthenticationToken();
    const parsed = parseAuthorization(authorization);
    if (parsed instanceof GatewayError) return parsed;
    fields = parsed;
    amzDate = last(headers.get('x-amz-date'));
    const dateHeader = last(headers.get('date'));
    if (amzDate === undefined && dateHeader !== undefined) amzDate = isoBasic(Date.parse(dateHeader));
    const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields[k]).map((k) => `Authorization header requires '${k}' parameter.`);
    if (!amzDate) missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    if (missing.length > 0) return incomplete(`${missing.join(' ')} Authorization=${authorization}`);
  }

  const scope = fields.Credential!.split('/');
  if (scope.length !== 5) return incomplete(`Credential should have exactly 5 slash-separated components: ${fields.Credential}`);
  const [accessKeyId, shortDate, region, service, terminator] = scope as [string, string, string, string, string];
  if (terminator !== 'aws4_request') return invalidSignature(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `);
  if (service !== SERVICE) return invalidSignature(`Credential should be scoped to correct service: '${SERVICE}'. `);
  if (region !== options.region) return invalidSignature(`Credential should be scoped to a valid region, not '${region}'. `);
  const credentials = options.credentials.get(accessKeyId);
  if (!credentials) return invalidToken();
  const sentToken = presigned ? last(query.get('X-Amz-Security-Token')) : last(headers.get('x-amz-security-token'));
  if (credentials.sessionToken !== undefined && sentToken !== credentials.sessionToken) return invalidToken();
  if (credentials.expiresAt !== undefined && credentials.expiresAt <= options.now) return expiredToken();

  const signedAt = parseIsoBasic(amzDate!);
  if (signedAt === undefined) return incomplete(`Date must be in ISO-8601 'basic format'. Got '${amzDate}'. See http://en.wikipedia.org/wiki/ISO_8601`);
  if (shortDate !== amzDate!.slice(0, 8)) {
    return invalidSignature(`Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${shortDate}' != '${amzDate!.slice(0, 8)}', from '${amzDate}'.`);
  }
  if (presigned) {
    const expires = Number(last(query.get('X-Amz-Expires')) ?? 900);
    if (options.now > signedAt + expires * 1000) {
      return invalidSignature(`Signature expired: ${amzDate} is now earlier than ${isoBasic(options.now - expires * 1000)} (${isoBasic(options.now)} - ${expires} sec.)`);
    }
  } else if (signedAt < options.now - MAX_SKEW_MS) {
    return invalidSignature(`Signature expired: ${amzDate} is now earlier than ${isoBasic(options.now - MAX_SKEW_MS)} (${isoBasic(options.now)} - 5 min.)`);
  } else if (signedAt > options.now + MAX_SKEW_MS) {
    return invalidSignature(`Signature not yet current: ${amzDate} is still later than ${isoBasic(options.now + MAX_SKEW_MS)} (${isoBasic(options.now)} + 5 min.)`);
  }

  // The headers the client signed, as it signed them: every value of a repeated header, joined with commas.
  const signedNames = fields.SignedHeaders!.split(';').map((name) => name.toLowerCase());
  const signed = Object.create(null) as Record<string, string>;
  for (const name of signedNames) signed[name] = (headers.get(name) ?? []).join(',');
  const canonicalHeaders = getCanonicalHeaders({ headers: signed } as never, undefined, new Set(signedNames));
  const flatHeaders = Object.create(null) as Record<string, string>;
  for (const [name, values] of headers) flatHeaders[name] = values.join(',');
  const canonicalQuery = Object.create(null) as Record<string, string | string[]>;
  for (const [name, values] of query) canonicalQuery[name] = values.length === 1 ? values[0]! : values;
  const httpRequest = { method: request.method, path: request.rawPath, query: canonicalQuery, headers: flatHeaders, body: request.body, protocol: 'https:', hostname: '' };
  // The payload line hashes the body received, never a client's x-amz-content-sha256 claim (only S3 trusts that
  // header), so a body changed after signing fails.
  const payloadHash = await getPayloadHash({ headers: {}, body: request.body } as never, Sha256);
  const form = new CanonicalForm(region);
  const canonicalRequest = form.canonicalRequest(httpRequest as never, canonicalHeaders, payloadHash);
  const credentialScope = createScope(shortDate, region, SERVICE);
  const stringToSign = await form.stringToSign(amzDate!, credentialScope, canonicalRequest);
  const key = await getSigningKey(Sha256, credentials, shortDate, region, SERVICE);
  const hmac = new Sha256(key);
  hmac.update(new TextEncoder().encode(stringToSign));
  const expected = Buffer.from(toHex(await hmac.digest()));
  const sent = Buffer.from(fields.Signature!.toLowerCase());
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    return invalidSignature(
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. ' +
        `Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'${canonicalRequest}'\n\n` +
        `The String-to-Sign should have been\n'${stringToSign}'\n`,
    );
  }
  return credentials;
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` → its fields. */
function parseAuthorization(value: string): Record<string, string> | GatewayError {
  const rest = value.startsWith(`${ALGORITHM_IDENTIFIER} `) ? value.slice(ALGORITHM_IDENTIFIER.length + 1) : value;
  const fields = Object.create(null) as Record<string, string>;
  for (const part of rest.split(/[,\s]+/)) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq === -1) {
      const hashed = createHash('sha256').update(value).digest('base64');
      return incomplete(`Invalid key=value pair (missing equal-sign) in Authorization header (hashed with SHA-256 and encoded with Base64): '${hashed}'.`);
    }
    fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return fields;
}

/** Header values by lower-cased name, in the order sent (null-prototype keys from the client stay data). */
function headerLists(rawHeaders: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const list = map.get(name);
    if (list) list.push(rawHeaders[i + 1]!);
    else map.set(name, [rawHeaders[i + 1]!]);
  }
  return map;
}

/** Query values by name, URI-decoded (SigV4 decodes and re-encodes them; `+` is not a space here). */
function queryLists(rawQuery: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  if (rawQuery === '') return map;
  for (const pair of rawQuery.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq === -1 ? pair : pair.slice(0, eq));
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    const list = map.get(name);
    if (list) list.push(value);
    else map.set(name, [value]);
  }
  return map;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function last(values: string[] | undefined): string | undefined {
  return values?.[values.length - 1];
}

/** `20260124T120000Z` */
function isoBasic(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
}

function parseIsoBasic(text: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
}
