/**
 * Which operations of an OpenAPI document need the header API key, read from its `security`: what the client's
 * generated `api-key.ts` is made of (openapi-typescript types no security schemes).
 */
import type { OpenAPI3 } from 'openapi-typescript';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** A header API key a document's operations may require. */
export interface ApiKeyUse {
  /** The header's name, lower-cased, e.g. `x-api-key`. */
  header: string;
  /** `"POST /users"`-style keys (upper-case method, path template as in the document). */
  operations: string[];
}

/**
 * The header API key of a document and the operations that require it: an operation's own `security`, else the
 * document's. Only `apiKey` schemes sent in a header count (API Gateway reads `x-api-key`); one such scheme at most.
 *
 * @example
 * apiKeyUse(doc); // { header: 'x-api-key', operations: ['POST /users', 'DELETE /users/{id}'] }
 */
export function apiKeyUse(doc: OpenAPI3): ApiKeyUse | undefined {
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}).filter(
    ([, scheme]) => 'type' in scheme && scheme.type === 'apiKey' && scheme.in === 'header',
  );
  if (schemes.length === 0) return undefined;
  if (schemes.length > 1) throw new Error(`Expected one header apiKey security scheme, found ${schemes.map(([name]) => name).join(', ')}`);
  const [name, scheme] = schemes[0]!;
  const operations: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, unknown>)[method] as { security?: Array<Record<string, unknown>> } | undefined;
      if (!operation) continue;
      const security = operation.security ?? doc.security ?? [];
      // Any alternative that names the scheme: API Gateway's key check is all or nothing per method.
      if (security.some((requirement) => name in requirement)) operations.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return { header: (scheme as { name: string }).name.toLowerCase(), operations };
}
