/**
 * Finds the Lambda zip an API's build writes (its `build-meta.json` names it), so a synth never packages stale or
 * missing code silently.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

/** The code a function deploys. */
export interface LambdaArtifact {
  readonly zipPath: string;
  /** `file.export`, relative to the zip's root. */
  readonly handler: string;
  /** Base64 SHA-256 of the zip, the form Lambda reports as `CodeSha256` (so a plan shows no drift). */
  readonly sourceCodeHash: string;
  readonly bytes: number;
  /** The API's Lambda authorizers, built beside the handler, by name. @default none */
  readonly authorizers?: Readonly<Record<string, LambdaArtifact>>;
}

interface BuildMeta {
  readonly handler: string;
  readonly zip: string;
  readonly authorizers?: Readonly<Record<string, { readonly handler: string; readonly zip: string }>>;
}

/**
 * Reads `build-meta.json` (`{ handler, zip, sha256, bytes }`) and hashes the zip it names.
 * @param metaPath the metadata file; relative paths resolve from `baseDir`
 * @example loadLambdaArtifact('dist/build-meta.json', appDir)
 */
export function loadLambdaArtifact(metaPath: string, baseDir: string): LambdaArtifact {
  const meta = resolve(baseDir, metaPath);
  if (!existsSync(meta)) {
    throw new Error(`No Lambda build at ${meta}: run \`pnpm turbo build\` first (or set PORTICO_LAMBDA_META)`);
  }
  const parsed = JSON.parse(readFileSync(meta, 'utf8')) as Partial<BuildMeta>;
  if (typeof parsed.handler !== 'string' || typeof parsed.zip !== 'string') {
    throw new Error(`${meta} must name "handler" and "zip": rebuild with \`pnpm turbo build\``);
  }
  const artifact = (handler: string, zip: string): LambdaArtifact => {
    // The build may name the zip relative to dist/ or to its package: accept either.
    const candidates = isAbsolute(zip) ? [zip] : [resolve(dirname(meta), zip), resolve(dirname(dirname(meta)), zip)];
    const zipPath = candidates.find((c) => existsSync(c));
    if (!zipPath) {
      throw new Error(`${meta} names ${zip}, which does not exist: run \`pnpm turbo build\` first`);
    }
    const bytes = readFileSync(zipPath);
    return { zipPath, handler, sourceCodeHash: createHash('sha256').update(bytes).digest('base64'), bytes: bytes.length };
  };
  const authorizers = Object.entries(parsed.authorizers ?? {}).map(([name, built]) => [name, artifact(built.handler, built.zip)] as const);
  return { ...artifact(parsed.handler, parsed.zip), ...(authorizers.length ? { authorizers: Object.fromEntries(authorizers) } : {}) };
}
