/**
 * CANDIDATE, for `scripts/measure-init.ts` only: `@portico/dynamodb`'s signer on `@smithy/signature-v4`, the signer inside the AWS
 * SDK, with node:crypto for its hashes (what `@smithy/hash-node` does). Same client, same transport; only the signer
 * differs.
 */
import { SignatureV4 } from '@smithy/signature-v4';
import type { Credentials, SignableRequest } from '@portico/dynamodb';

const bytes = (data: string | ArrayBuffer | ArrayBufferView): string | Uint8Array =>
  typeof data === 'string' ? data : data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);

class Sha256 {
  private readonly hash;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const crypto = process.getBuiltinModule('node:crypto');
    this.hash = secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', bytes(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return this.hash.digest();
  }
  reset(): void {
    throw new Error('not needed by SignatureV4.sign');
  }
}

const signers = new Map<string, SignatureV4>();

export async function signRequest(request: SignableRequest, credentials: Credentials): Promise<void> {
  const key = `${request.region}/${request.service}/${credentials.accessKeyId}`;
  let signer = signers.get(key);
  if (!signer) {
    signer = new SignatureV4({ service: request.service, region: request.region, credentials, sha256: Sha256, applyChecksum: false });
    signers.set(key, signer);
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) headers[name] = String(value);
  const signed = await signer.sign({ method: 'POST', protocol: 'https:', hostname: request.host, path: request.path, headers, body: request.body, query: {} });
  Object.assign(request.headers, signed.headers);
}
