import { SignatureV4 } from '@smithy/signature-v4';
import { createHash, createHmac } from 'node:crypto';
import { signRequest, type Credentials } from '../src/sigv4';

/** The hash constructor SignatureV4 wants, over node:crypto (what @smithy/hash-node does). */
class Sha256 {
  private readonly hash;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {}
}

describe('signRequest', () => {
  it.each<[string, Credentials]>([
    ['without a session', { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }],
    ['with a session token', { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'IQoJb3JpZ2luX2VjE…' }],
  ])('signs a DynamoDB POST %s exactly as the AWS SDK signer does', async (_, credentials) => {
    const body = JSON.stringify({ TableName: 'users', Key: { id: { S: 'ümlaut ✓ 😀' } } });
    const headers: Record<string, string | number> = {
      Host: 'dynamodb.eu-west-1.amazonaws.com',
      'Content-Type': 'application/x-amz-json-1.0',
      'X-Amz-Target': 'DynamoDB_20120810.GetItem',
      'X-Amz-Date': '20260102T030405Z',
    };
    // applyChecksum off: DynamoDB needs no x-amz-content-sha256 header, and the SDK's DynamoDB client sends none.
    const sdk = new SignatureV4({ service: 'dynamodb', region: 'eu-west-1', credentials, sha256: Sha256 as never, applyChecksum: false });

    signRequest({ host: String(headers.Host), path: '/', service: 'dynamodb', region: 'eu-west-1', headers, body }, credentials);
    const expected = await sdk.sign(
      {
        method: 'POST',
        protocol: 'https:',
        hostname: 'dynamodb.eu-west-1.amazonaws.com',
        path: '/',
        query: {},
        headers: {
          host: 'dynamodb.eu-west-1.amazonaws.com',
          'content-type': 'application/x-amz-json-1.0',
          'x-amz-target': 'DynamoDB_20120810.GetItem',
          'content-length': String(Buffer.byteLength(body)),
        },
        body,
      },
      { signingDate: new Date('2026-01-02T03:04:05Z') },
    );

    expect(headers.Authorization).toBe(expected.headers.authorization);
    expect(headers['Content-Length']).toBe(Buffer.byteLength(body));
    expect(headers['X-Amz-Security-Token']).toBe(credentials.sessionToken);
  });
});
