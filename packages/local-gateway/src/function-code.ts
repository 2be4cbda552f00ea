/**
 * Finds a function's code: its deployment zip (extracted to a temp dir, as Lambda unpacks it into /var/task) or a
 * local override (a bundle file or another zip), and resolves the handler string `file.export` the way the Node.js
 * runtime does (first dot of the file name; `.js`, then `.mjs`, then `.cjs`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { unzipSync } from 'fflate';
import type { LambdaFunctionDef } from './terraform-stack';

export interface FunctionCode {
  /** The module file to import. */
  handlerFile: string;
  /** Export path inside the module (`handler`, or `nested.handler`). */
  exportName: string;
  /** The directory Lambda would call the task root. */
  taskRoot: string;
  /** What to watch for hot reload: the zip or the override file. */
  watchPath: string;
  /** Removes the extracted copy, if any. */
  dispose(): void;
}

/**
 * Splits `dist/lambda.handler` into `{ modulePath: 'dist/lambda', exportName: 'handler' }`.
 *
 * @example
 * splitHandler('index.handler'); // { modulePath: 'index', exportName: 'handler' }
 */
export function splitHandler(handler: string): { modulePath: string; exportName: string } {
  const slash = handler.lastIndexOf('/');
  const dir = handler.slice(0, slash + 1);
  const name = handler.slice(slash + 1);
  const dot = name.indexOf('.');
  if (dot <= 0 || dot === name.length - 1) {
    throw new Error(`Bad handler "${handler}": expected "file.export", e.g. "index.handler"`);
  }
  return { modulePath: dir + name.slice(0, dot), exportName: name.slice(dot + 1) };
}

/**
 * Prepares the code of one function, extracting zips into a fresh temp directory.
 *
 * @example
 * const code = prepareFunctionCode(fn, overrides.get(fn.functionName));
 * code.handlerFile; // '/tmp/portico-fn-orders-abc/index.mjs'
 */
export function prepareFunctionCode(fn: LambdaFunctionDef, override?: string): FunctionCode {
  const { modulePath, exportName } = splitHandler(fn.handler);
  const source = override ? resolve(override) : fn.filename;
  if (!source) {
    throw new Error(`${fn.address}: no "filename" to load code from; pass --function ${fn.functionName}=<bundle.js|zip>`);
  }
  if (!existsSync(source)) {
    throw new Error(`${fn.address}: code not found at ${source} (build it first, or pass --function ${fn.functionName}=<path>)`);
  }
  if (source.endsWith('.zip')) {
    const taskRoot = extractZip(source, fn.functionName);
    return {
      handlerFile: findModule(join(taskRoot, modulePath), fn),
      exportName,
      taskRoot,
      watchPath: source,
      dispose: () => rmSync(taskRoot, { recursive: true, force: true }),
    };
  }
  if (statSync(source).isDirectory()) {
    return { handlerFile: findModule(join(source, modulePath), fn), exportName, taskRoot: source, watchPath: source, dispose: () => {} };
  }
  return { handlerFile: source, exportName, taskRoot: dirname(source), watchPath: source, dispose: () => {} };
}

function findModule(base: string, fn: LambdaFunctionDef): string {
  for (const ext of ['.js', '.mjs', '.cjs']) {
    if (existsSync(base + ext)) return base + ext;
  }
  throw new Error(`${fn.address}: handler "${fn.handler}" names ${basename(base)}.js/.mjs/.cjs, which is not in the code`);
}

function extractZip(zipFile: string, functionName: string): string {
  const target = mkdtempSync(join(tmpdir(), `portico-fn-${functionName.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  const entries = unzipSync(new Uint8Array(readFileSync(zipFile)));
  for (const [name, data] of Object.entries(entries)) {
    const out = resolve(target, name);
    // A zip entry must not escape the task root ("zip slip").
    if (!out.startsWith(target + sep)) throw new Error(`${zipFile}: entry ${name} points outside the archive`);
    if (name.endsWith('/')) {
      mkdirSync(out, { recursive: true });
      continue;
    }
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, data);
  }
  return target;
}
