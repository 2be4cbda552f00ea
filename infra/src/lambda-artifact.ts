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
}

interface BuildMeta {
  readonly handler: string;
  readonly zip: string;
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
  // The build may name the zip relative to dist/ or to its package: accept either.
  const candidates = isAbsolute(parsed.zip)
    ? [parsed.zip]
    : [resolve(dirname(meta), parsed.zip), resolve(dirname(dirname(meta)), parsed.zip)];
  const zipPath = candidates.find((c) => existsSync(c));
  if (!zipPath) {
    throw new Error(`${meta} names ${parsed.zip}, which does not exist: run \`pnpm turbo build\` first`);
  }
  const zip = readFileSync(zipPath);
  return {
    zipPath,
    handler: parsed.handler,
    sourceCodeHash: createHash('sha256').update(zip).digest('base64'),
    bytes: zip.length,
  };
}
