/**
 * The generated half of an API's typed client (`apps/<api>/client`): types from the OpenAPI document the API's build
 * writes (`dist/openapi.json`), into the client's `src/generated/`, git-ignored and rewritten by every build and
 * typecheck so it cannot drift from the route table.
 *
 *   <types file>   `paths`, `components`, `operations`: openapi-typescript's output, types only
 *   api-key.ts     the API-key header and the operations that require it, from the document's `security`
 *                  (openapi-typescript types no security schemes, and a client sends the key only where a route asks)
 *   authorizers.ts each Lambda authorizer's header and the operations it guards, so a client sends a token (say a
 *                  partner's) only where a route asks for that authorizer's; written only when the API has one
 *   bearer.ts      the operations that take a bearer token in `Authorization` (a Cognito user pool's); written only
 *                  when the API has such operations
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
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

/** The operations (`"PUT /path"`) whose security (their own, else the document's) names one of `schemes` in any alternative. */
function operationsUsing(doc: OpenAPI3, ...schemes: readonly string[]): string[] {
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

/** API Gateway's extension marking an `apiKey`-shaped scheme as an authorizer (`custom`) or SigV4 (`awsSigv4`). */
const AUTH_TYPE = 'x-amazon-apigateway-authtype';

/**
 * The header API key of a document and the operations that require it: an operation's own `security`, else the
 * document's. Only `apiKey` schemes sent in a header count (API Gateway reads `x-api-key`), and not those API
 * Gateway's extension marks as an authorizer or SigV4; one such scheme at most.
 *
 * @example
 * apiKeyUse(doc); // { header: 'x-api-key', operations: ['PUT /avatars/{userId}', 'DELETE /avatars/{userId}'] }
 */
export function apiKeyUse(doc: OpenAPI3): ApiKeyUse | undefined {
  const schemes = Object.entries(doc.components?.securitySchemes ?? {}).filter(
    ([, scheme]) => 'type' in scheme && scheme.type === 'apiKey' && scheme.in === 'header' && !(AUTH_TYPE in scheme),
  );
  if (schemes.length === 0) return undefined;
  if (schemes.length > 1) throw new Error(`Expected one header apiKey security scheme, found ${schemes.map(([name]) => name).join(', ')}`);
  const [name, scheme] = schemes[0]!;
  return { header: (scheme as { name: string }).name.toLowerCase(), operations: operationsUsing(doc, name) };
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
  return names.length === 0 ? [] : operationsUsing(doc, ...names);
}

/** A Lambda authorizer a document's operations may require. */
export interface AuthorizerUse extends ApiKeyUse {
  /** The authorizer's name: its security scheme's. */
  name: string;
}

/**
 * The document's Lambda authorizers whose token comes from one header (`apiKey` schemes marked
 * `x-amazon-apigateway-authtype: custom`), each with the operations that require it.
 *
 * @example
 * authorizerUses(doc); // [{ name: 'partner', header: 'authorization', operations: ['PUT /avatars/{userId}', 'DELETE /avatars/{userId}'] }]
 */
export function authorizerUses(doc: OpenAPI3): AuthorizerUse[] {
  return Object.entries(doc.components?.securitySchemes ?? {})
    .filter(([, scheme]) => 'type' in scheme && scheme.type === 'apiKey' && scheme.in === 'header' && (scheme as Record<string, unknown>)[AUTH_TYPE] === 'custom')
    .map(([name, scheme]) => ({ name, header: (scheme as { name: string }).name.toLowerCase(), operations: operationsUsing(doc, name) }));
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
 * Generates a client's types, its API-key module, and its authorizers and bearer modules (when the API has such
 * operations) from the API's OpenAPI document; returns the files it rewrote.
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
  const authorizers = authorizerUses(doc);
  const authorizerModule = [
    header,
    '/** Each Lambda authorizer (by name) that reads its token from a header: the header, and the operations it guards. */',
    'export const AUTHORIZERS: Readonly<Record<string, { readonly header: string; readonly operations: ReadonlySet<string> }>> = {',
    ...authorizers.map(({ name, header: from, operations }) => `  ${JSON.stringify(name)}: { header: ${JSON.stringify(from)}, operations: new Set(${JSON.stringify(operations)}) },`),
    '};',
    '',
  ].join('\n');
  mkdirSync(outDir, { recursive: true });
  const written: string[] = [];
  if (writeIfChanged(join(outDir, typesFile), header + types)) written.push(typesFile);
  if (writeIfChanged(join(outDir, 'api-key.ts'), keyModule)) written.push('api-key.ts');
  // Only for a document with Lambda authorizers: a client of an API without one ships no empty module.
  const authorizerFile = join(outDir, 'authorizers.ts');
  if (authorizers.length === 0) rmSync(authorizerFile, { force: true });
  else if (writeIfChanged(authorizerFile, authorizerModule)) written.push('authorizers.ts');
  const bearer = bearerOperations(doc);
  const bearerModule = [
    header,
    '/** Operations (`METHOD /path/{template}`) that take a bearer token (`Authorization`). */',
    `export const BEARER_OPERATIONS: ReadonlySet<string> = new Set(${JSON.stringify(bearer)});`,
    '',
  ].join('\n');
  const bearerFile = join(outDir, 'bearer.ts');
  if (bearer.length === 0) rmSync(bearerFile, { force: true });
  else if (writeIfChanged(bearerFile, bearerModule)) written.push('bearer.ts');
  return written;
}
