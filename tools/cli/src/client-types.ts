/**
 * The generated half of an API's typed client (`apps/<api>/client`): types from the OpenAPI document the API's build
 * writes (`dist/openapi.json`), into the client's `src/generated/`, git-ignored and rewritten by every build and
 * typecheck so it cannot drift from the route table.
 *
 *   <types file>   `paths`, `components`, `operations`: openapi-typescript's output, types only
 *   api-key.ts     the API-key header and the operations that require it, from the document's `security`
 *                  (openapi-typescript types no security schemes, and a client sends the key only where a route asks)
 *   bearer.ts      the operations that take a bearer token in `Authorization` (a Cognito user pool's), likewise
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
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
 * apiKeyUse(doc); // { header: 'x-api-key', operations: ['PUT /avatars/{userId}', 'DELETE /avatars/{userId}'] }
 */
export function apiKeyUse(doc: OpenAPI3): ApiKeyUse | undefined {
  // API Gateway writes SigV4 and Lambda authorizer headers as apiKey schemes too, marked with its authtype: not keys.
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}).filter(
    ([, scheme]) => 'type' in scheme && scheme.type === 'apiKey' && scheme.in === 'header' && !('x-amazon-apigateway-authtype' in scheme),
  );
  if (schemes.length === 0) return undefined;
  if (schemes.length > 1) throw new Error(`Expected one header apiKey security scheme, found ${schemes.map(([name]) => name).join(', ')}`);
  const [name, scheme] = schemes[0]!;
  return { header: (scheme as { name: string }).name.toLowerCase(), operations: operationsNaming(doc, [name]) };
}

/**
 * The operations that take a bearer token in `Authorization`: their security names an `http` `bearer` or an
 * `openIdConnect` scheme (how `@portico/http/openapi` writes a Cognito user pool, without or with its issuer).
 *
 * @example
 * bearerOperations(doc); // ['POST /users', 'DELETE /users/{id}']
 */
export function bearerOperations(doc: OpenAPI3): string[] {
  const names = Object.entries(doc.components?.securitySchemes ?? {})
    .filter(([, scheme]) => 'type' in scheme && ((scheme.type === 'http' && scheme.scheme.toLowerCase() === 'bearer') || scheme.type === 'openIdConnect'))
    .map(([name]) => name);
  return names.length === 0 ? [] : operationsNaming(doc, names);
}

/** `"METHOD /path"` of each operation whose security (its own, else the document's) names one of `schemes`. */
function operationsNaming(doc: OpenAPI3, schemes: readonly string[]): string[] {
  const operations: string[] = [];
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Record<string, unknown>)[method] as { security?: Array<Record<string, unknown>> } | undefined;
      if (!operation) continue;
      const security = operation.security ?? doc.security ?? [];
      // Any alternative that names the scheme: API Gateway's checks are all or nothing per method.
      if (security.some((requirement) => schemes.some((name) => name in requirement))) operations.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return operations;
}

/**
 * Writes a file only when its text changed, so tsc and watchers see no churn from an unchanged document; through a
 * rename, because turbo runs `build` and `typecheck` (both generate) side by side and tsc must never read half a file.
 */
function writeIfChanged(file: string, text: string): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === text) return false;
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, text);
  renameSync(temp, file);
  return true;
}

export interface ClientTypesOptions {
  /** The API's OpenAPI document, e.g. `apps/orders-api/dist/openapi.json`. */
  readonly spec: string;
  /** Where the files go: the client's `src/generated`. */
  readonly outDir: string;
  /** The types file's name, e.g. `orders-api.ts`. */
  readonly typesFile: string;
  /** How the files' header names the document's API, e.g. `the orders API`. */
  readonly api: string;
  /** The command that builds the document, for the error when it is missing. */
  readonly build: string;
}

/**
 * Generates a client's types, its API-key module and its bearer module from the API's OpenAPI document; returns the
 * files it rewrote.
 *
 * @example
 * await generateClientTypes({ spec: '../dist/openapi.json', outDir: 'src/generated', typesFile: 'orders-api.ts', api: 'the orders API', build: 'pnpm --filter @portico/orders-api build' });
 */
export async function generateClientTypes(options: ClientTypesOptions): Promise<string[]> {
  const { spec, outDir, typesFile } = options;
  if (!existsSync(spec)) throw new Error(`${spec} does not exist: build the API first (${options.build}, or pnpm build)`);
  // Loaded here, not with the module: openapi-typescript brings TypeScript's compiler, which nothing else here needs.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const header = `// Generated by scripts/generate.ts from ${options.api}'s OpenAPI document. Do not edit: \`pnpm build\` rewrites it.\n`;
  const doc = JSON.parse(readFileSync(spec, 'utf8')) as OpenAPI3;
  const types = astToString(await openapiTS(pathToFileURL(spec), { silent: true }));
  const key = apiKeyUse(doc);
  const keyModule = [
    header,
    '/** The header API Gateway reads the API key from. */',
    `export const API_KEY_HEADER = ${JSON.stringify(key?.header ?? 'x-api-key')};`,
    '/** Operations (`METHOD /path/{template}`) whose method requires the API key. */',
    `export const API_KEY_OPERATIONS: ReadonlySet<string> = new Set(${JSON.stringify(key?.operations ?? [])});`,
    '',
  ].join('\n');
  const bearerModule = [
    header,
    '/** Operations (`METHOD /path/{template}`) that take a bearer token (`Authorization`). */',
    `export const BEARER_OPERATIONS: ReadonlySet<string> = new Set(${JSON.stringify(bearerOperations(doc))});`,
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  if (writeIfChanged(join(outDir, typesFile), header + types)) written.push(typesFile);
  if (writeIfChanged(join(outDir, 'api-key.ts'), keyModule)) written.push('api-key.ts');
  if (writeIfChanged(join(outDir, 'bearer.ts'), bearerModule)) written.push('bearer.ts');
  return written;
}
