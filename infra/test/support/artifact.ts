/** A small, real Lambda zip for tests, so they never depend on the users-api build. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { loadLambdaArtifact, type LambdaArtifact } from '../../src/lambda-artifact';

/** A stored (uncompressed) zip of the given files: enough for Lambda, and no zip tool needed. */
export function zipOf(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const fileName = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(fileName.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, fileName, data);
    centrals.push(central, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const centralSize = centrals.reduce((n, b) => n + b.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(centralSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, ...centrals, end]);
}

/** Writes a dist/ like the users-api build's (lambda.zip + build-meta.json) into a temp dir and loads it. */
export function tempArtifact(
  body = 'export const handler = async () => ({ statusCode: 200, body: "ok" });',
  authorizers: Readonly<Record<string, string>> = {},
): LambdaArtifact & {
  metaPath: string;
} {
  const dist = join(mkdtempSync(join(tmpdir(), 'portico-artifact-')), 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'lambda.zip'), zipOf({ 'index.mjs': body }));
  // Each authorizer beside it, as portico build writes them: authorizers/<name>.zip with its own handler.
  const built: Record<string, { handler: string; zip: string }> = {};
  for (const [name, code] of Object.entries(authorizers)) {
    mkdirSync(join(dist, 'authorizers'), { recursive: true });
    writeFileSync(join(dist, 'authorizers', `${name}.zip`), zipOf({ 'index.mjs': code }));
    built[name] = { handler: 'index.handler', zip: `authorizers/${name}.zip` };
  }
  const metaPath = join(dist, 'build-meta.json');
  writeFileSync(metaPath, JSON.stringify({ handler: 'index.handler', zip: 'lambda.zip', ...(authorizers && Object.keys(built).length ? { authorizers: built } : {}) }));
  return { ...loadLambdaArtifact(metaPath, dist), metaPath };
}
