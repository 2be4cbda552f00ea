/**
 * AWS Signature Version 4 for the DynamoDB client, from the `aws4` package: synchronous, a few HMACs over node:crypto
 * with the derived key cached per day, and small enough to stay in the cold path. Its own module so the cold-init
 * benchmark can build the same client with another signer (`scripts/candidates/sigv4-smithy.ts`) and compare.
 */
import aws4 from 'aws4';

/** The credentials a request is signed with; Lambda puts them in the function's environment. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string | undefined;
}

/** A request to sign: `headers` gains `Authorization`, `X-Amz-Date` and, with a session, `X-Amz-Security-Token`. */
export interface SignableRequest {
  /** The `Host` header as sent: hostname, plus `:port` when it is not the scheme's default. */
  readonly host: string;
  readonly path: string;
  readonly service: string;
  readonly region: string;
  readonly headers: Record<string, string | number>;
  readonly body: string;
}

/**
 * Signs a POST in place (its `headers` gain the signature headers).
 *
 * @example
 * const headers = { Host: 'dynamodb.eu-west-1.amazonaws.com', 'Content-Type': 'application/x-amz-json-1.0' };
 * signRequest({ host: headers.Host, path: '/', service: 'dynamodb', region: 'eu-west-1', headers, body: '{}' }, credentials);
 * headers.Authorization; // 'AWS4-HMAC-SHA256 Credential=AKIA…/20260101/eu-west-1/dynamodb/aws4_request, …'
 */
export function signRequest(request: SignableRequest, credentials: Credentials): void {
  // aws4 copies `headers`, adds to the copy and hands it back on the request object.
  const signed = aws4.sign(
    {
      host: request.host,
      method: 'POST',
      path: request.path,
      service: request.service,
      region: request.region,
      headers: request.headers,
      body: request.body,
    },
    credentials,
  );
  Object.assign(request.headers, signed.headers);
}
