/**
 * Finds the APIs of the repository: every `apps/<folder>/portico.config.ts`. Nothing in infra names an app; an API
 * exists because its folder declares itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiConfig } from './api';

/** The file an app declares itself in. */
export const API_CONFIG_FILE = 'portico.config.ts';

/** A declared API and where it lives. */
export interface DiscoveredApi {
  readonly config: ApiConfig;
  /** The app's folder (holds `portico.config.ts`). */
  readonly dir: string;
}

/**
 * The folder holding pnpm-workspace.yaml, searching upwards.
 *
 * @example
 * findRepoRoot(process.cwd()); // '/home/me/portico'
 */
export function findRepoRoot(from = process.cwd()): string {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No pnpm-workspace.yaml above ${from}: run inside a Portico repository`);
  }
}

/**
 * Loads every API declared under `<root>/apps`, sorted by name; throws when two declare the same name or a config
 * does not default-export a `defineApi(...)`.
 *
 * @example
 * const apis = await discoverApis(findRepoRoot()); // [{ config: { name: 'orders-api', … }, dir: '…/apps/orders-api' }]
 */
export async function discoverApis(root: string): Promise<DiscoveredApi[]> {
  const appsDir = join(root, 'apps');
  if (!existsSync(appsDir)) return [];
  const found: DiscoveredApi[] = [];
  for (const entry of readdirSync(appsDir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const dir = join(appsDir, entry.name);
    if (existsSync(join(dir, API_CONFIG_FILE))) found.push(await loadApi(dir));
  }
  found.sort((a, b) => (a.config.name < b.config.name ? -1 : a.config.name > b.config.name ? 1 : 0));
  for (let i = 1; i < found.length; i++) {
    if (found[i]!.config.name === found[i - 1]!.config.name) {
      throw new Error(`Two apps declare the API "${found[i]!.config.name}": ${found[i - 1]!.dir} and ${found[i]!.dir}`);
    }
  }
  return found;
}

/** Loads the API declared in `dir/portico.config.ts`. */
export async function loadApi(dir: string): Promise<DiscoveredApi> {
  const file = join(dir, API_CONFIG_FILE);
  const mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
  // A CommonJS loader (jest) nests the ES module's default export one level deeper.
  const exported = (mod.default as { default?: unknown } | undefined)?.default ?? mod.default;
  const config = exported as ApiConfig | undefined;
  if (!config || typeof config !== 'object' || typeof config.name !== 'string' || !config.stages) {
    throw new Error(`${file} must \`export default defineApi({ … })\``);
  }
  return { config, dir };
}

/**
 * The API whose folder holds `cwd`, if any: an app's own `pnpm synth|plan|deploy` act on that API alone.
 *
 * @example
 * apiFolderOf('/repo/apps/orders-api/src', '/repo'); // '/repo/apps/orders-api'
 */
export function apiFolderOf(cwd: string, root: string): string | undefined {
  for (let dir = resolve(cwd); dir.startsWith(join(root, 'apps')); dir = dirname(dir)) {
    if (existsSync(join(dir, API_CONFIG_FILE))) return dir;
    if (dirname(dir) === dir) break;
  }
  return undefined;
}

/** The package name of a folder (for messages and turbo filters). */
export function packageNameOf(dir: string): string | undefined {
  const manifest = join(dir, 'package.json');
  return existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name : undefined;
}
