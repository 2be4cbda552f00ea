/**
 * `portico new <name>`: a new API in `apps/<name>/`, declared, tested and ready for `pnpm dev`, `plan` and `deploy`
 * with no change anywhere else in the repository (infra, `pnpm dev`, turbo and delivery find it by its folder).
 *
 *   pnpm create-api orders-api                          # from anywhere in the repository
 *   pnpm create-api orders-api --port 3005 --region eu-west-1 --no-install
 *
 * What it writes comes from `templates/api/`, real files with `{{placeholder}}`s filled in by plain string
 * substitution (a template is data: nothing in it is evaluated): a small resource API — `GET /health`, `GET /items`
 * a page at a time, `POST /items` (valibot body, API key), `GET` and `DELETE /items/{id}` — on a DynamoDB table
 * through `@portico/dynamodb`, with its dev and prod stages, smoke checks, a seed for `pnpm dev`, and tests: the
 * handler against dynalite, the IAM actions it calls against those it is granted, the synthesized stacks.
 *
 * The name is checked as `defineApi` checks it and against what the workspace already has (a folder, a package,
 * an API of that name); the dev port is the highest one `pnpm dev` already serves, plus one.
 */
import type { ApiConfig } from '@portico/infra/api';
import { discoverApis, findRepoRoot, packageNameOf } from '@portico/infra/discover';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { globSync } from 'tinyglobby';
import { parse as parseYaml } from 'yaml';
import { devPorts } from './dev';

/** The files a new API is made from. */
export const TEMPLATE_DIR = fileURLToPath(new URL('../templates/api', import.meta.url));

/** A placeholder in a template: `{{name}}`. */
const PLACEHOLDER = /\{\{([A-Za-z]+)\}\}/g;

/** `defineApi`'s rule for an API name (infra/src/api.ts); a test holds the two to the same answers. */
const API_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
/** An AWS region name: `us-east-1`, `eu-central-2`, `us-gov-west-1`. */
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** The stages `templates/api/portico.config.ts` declares. */
const TEMPLATE_STAGES = ['dev', 'prod'] as const;
/** `pnpm dev`'s first port when no API declares one (`devPorts`). */
const FIRST_DEV_PORT = 3000;

/** What the workspace already holds that a new API's name must not clash with. */
export interface TakenNames {
  /** Whether `apps/<name>` exists. */
  readonly folderExists: boolean;
  /** Package name → its folder, relative to the repository root. */
  readonly packages: ReadonlyMap<string, string>;
  /** Declared API name → its folder, relative to the repository root. */
  readonly apis: ReadonlyMap<string, string>;
}

/**
 * Why `name` cannot be a new API, or `undefined` when it can. Names are kebab-case (`defineApi`'s rule, without its
 * leeway for doubled dashes) because the name is a folder, a package (`@portico/<name>`) and every AWS resource's
 * prefix; a path of any kind is refused before anything looks at the disk.
 *
 * @example
 * apiNameProblem('OrdersApi', taken); // '"OrdersApi" is not kebab-case (lower-case words joined by dashes): try "orders-api"'
 */
export function apiNameProblem(name: string, taken: TakenNames): string | undefined {
  if (name.trim() === '') return 'give the new API a name, e.g. `pnpm create-api orders-api`';
  if (/[/\\]|^\.|\.\./.test(name)) {
    return `"${name}" is a path: give a name (e.g. orders-api), and the API is written to apps/<name>`;
  }
  if (!API_NAME.test(name) || name.includes('--')) {
    const suggestion = kebabCase(name);
    const hint = suggestion !== name && API_NAME.test(suggestion) ? `: try "${suggestion}"` : ' (e.g. orders-api)';
    return `"${name}" is not an API name: 2-40 characters, kebab-case (lower-case letters and digits in words joined by single dashes), starting with a letter${hint}`;
  }
  if (taken.folderExists) return `apps/${name} already exists: pick another name, or remove that folder first`;
  const declaredIn = taken.apis.get(name);
  if (declaredIn !== undefined) return `${declaredIn} already declares the API "${name}": pick another name`;
  const packageIn = taken.packages.get(`@portico/${name}`);
  if (packageIn !== undefined) return `the workspace already has the package @portico/${name} (${packageIn}): pick another name`;
  return undefined;
}

/**
 * `name` in kebab-case, for the hint of a refused name.
 *
 * @example
 * kebabCase('Orders_API'); // 'orders-api'
 */
export function kebabCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[-0-9]+|-+$/g, '');
}

/**
 * The dev port for a new API: one above the highest port `pnpm dev` serves the declared APIs on, so every API keeps
 * its bookmarked URL.
 *
 * @example
 * nextDevPort([usersApi, avatarsApi]); // 3002, when they declare 3000 and 3001
 */
export function nextDevPort(apis: readonly ApiConfig[]): number {
  return apis.length === 0 ? FIRST_DEV_PORT : Math.max(...devPorts(apis)) + 1;
}

/** Why `port` cannot be a new API's dev port, or `undefined` when it can. */
export function devPortProblem(port: number, apis: readonly ApiConfig[]): string | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return `--port ${port}: use a whole number from 1 to 65535`;
  const ports = devPorts(apis);
  const holder = apis.find((_, index) => ports[index] === port);
  return holder ? `--port ${port}: ${holder.name} already serves on it in pnpm dev (the next free one is ${nextDevPort(apis)})` : undefined;
}

/**
 * Whether the new API's `stage` stack should set the region's API Gateway CloudWatch role, and why (one line for the
 * generated config). The role is one setting per account and region; stacks of a stage name are taken to share an
 * account, so one of them owns it: the new API only when none of the others already does.
 */
export function loggingRoleOwner(stage: string, region: string, apis: readonly ApiConfig[]): { manage: boolean; why: string } {
  const owner = apis.find((api) => api.stages[stage]?.region === region && api.stages[stage]?.manageGatewayLoggingRole);
  return owner
    ? { manage: false, why: `${owner.name}'s ${stage} stack sets it in ${region}, so this one leaves it alone.` }
    : { manage: true, why: `no other API's ${stage} stack sets it in ${region}, so this one does.` };
}

/**
 * Fills a template's `{{placeholder}}`s in one pass: a value is inserted as text, never read again for placeholders,
 * never evaluated. A placeholder without a value is an error in the template, named with the file.
 *
 * @example
 * renderTemplate("name: '{{name}}'", { name: 'orders-api' }); // "name: 'orders-api'"
 */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, file = 'the template'): string {
  return text.replace(PLACEHOLDER, (_, key: string) => {
    if (!Object.hasOwn(values, key)) throw new Error(`${file}: no value for {{${key}}} (known: ${Object.keys(values).join(', ')})`);
    return values[key]!;
  });
}

/** The values a new API's templates are filled with. */
export interface ApiTemplateValues {
  readonly name: string;
  readonly port: number;
  readonly region: string;
  /** The APIs already declared, which decide who owns each stage's logging role. */
  readonly apis: readonly ApiConfig[];
}

/** One rendered file of a new API, its path relative to the API's folder. */
export interface RenderedFile {
  readonly path: string;
  readonly text: string;
}

/**
 * Every template file, rendered, in path order.
 *
 * @example
 * renderApi({ name: 'orders-api', port: 3002, region: 'us-east-1', apis: [] }).map((f) => f.path);
 * // ['README.md', 'jest.config.cjs', 'package.json', 'portico.config.ts', 'src/cursor.ts', …]
 */
export function renderApi({ name, port, region, apis }: ApiTemplateValues): RenderedFile[] {
  const [dev, prod] = TEMPLATE_STAGES.map((stage) => loggingRoleOwner(stage, region, apis));
  const values: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, {
    name,
    port: String(port),
    region,
    devLoggingRole: String(dev!.manage),
    devLoggingRoleWhy: dev!.why,
    prodLoggingRole: String(prod!.manage),
    prodLoggingRoleWhy: prod!.why,
  });
  return templateFiles().map((path) => ({ path, text: renderTemplate(readFileSync(join(TEMPLATE_DIR, path), 'utf8'), values, `templates/api/${path}`) }));
}

/** The template's files, relative to {@link TEMPLATE_DIR}, `/`-separated, sorted. */
export function templateFiles(): string[] {
  return readdirSync(TEMPLATE_DIR, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(TEMPLATE_DIR, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

/**
 * The workspace's packages, by name, with their folders relative to `root`: the folders `pnpm-workspace.yaml` lists
 * that hold a `package.json`.
 *
 * @example
 * workspacePackages('/repo').get('@portico/http'); // 'packages/http'
 */
export function workspacePackages(root: string): Map<string, string> {
  const workspace = parseYaml(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages?: string[] } | null;
  const manifests = globSync(
    (workspace?.packages ?? []).map((pattern) => `${pattern.replace(/\/$/, '')}/package.json`),
    { cwd: root, ignore: ['**/node_modules/**'] },
  );
  const found = new Map<string, string>();
  for (const manifest of manifests.sort()) {
    const dir = dirname(manifest);
    const name = packageNameOf(join(root, dir));
    if (name) found.set(name, dir);
  }
  return found;
}

export interface NewApiOptions {
  readonly name: string;
  /** @default found upwards from the working directory */
  readonly root?: string;
  /** @default one above the highest dev port of the declared APIs ({@link nextDevPort}) */
  readonly port?: number;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** Run `pnpm install` once the files are written, so the new package is linked. @default true */
  readonly install?: boolean;
  /** Check and render everything, write nothing: {@link NewApi.files} lists what would be written. @default false */
  readonly dryRun?: boolean;
  readonly log?: (line: string) => void;
}

/** A new API, as written. */
export interface NewApi {
  readonly name: string;
  readonly packageName: string;
  /** `apps/<name>`, absolute. */
  readonly dir: string;
  readonly port: number;
  readonly region: string;
  /** Written files, relative to `dir`. */
  readonly files: readonly string[];
  /** Whether `pnpm install` ran (and succeeded). */
  readonly installed: boolean;
  /** Nothing was written ({@link NewApiOptions.dryRun}). */
  readonly dryRun: boolean;
}

/**
 * Checks the name and port, writes `apps/<name>/` from the templates, and links it with `pnpm install`. Everything
 * is rendered before the first file is written, and the folder is claimed by creating it, so a refusal or a broken
 * template leaves nothing behind.
 *
 * @example
 * const api = await createApi({ name: 'orders-api' });
 * api.dir; // '/repo/apps/orders-api'
 */
export async function createApi(options: NewApiOptions): Promise<NewApi> {
  const root = options.root ?? findRepoRoot(process.cwd());
  const log = options.log ?? ((line: string) => console.log(line));
  const { name } = options;
  const dir = join(root, 'apps', name);
  const declared = await discoverApis(root);
  const apis = declared.map((api) => api.config);
  const problem = apiNameProblem(name, {
    folderExists: existsSync(dir),
    packages: workspacePackages(root),
    apis: new Map(declared.map((api) => [api.config.name, relative(root, api.dir)])),
  });
  if (problem) throw new Error(problem);
  const port = options.port ?? nextDevPort(apis);
  const portProblem = devPortProblem(port, apis);
  if (portProblem) throw new Error(portProblem);
  const region = options.region ?? 'us-east-1';
  if (!REGION.test(region)) throw new Error(`--region ${region}: not an AWS region name (e.g. us-east-1, eu-west-1)`);

  const files = renderApi({ name, port, region, apis });
  const result = { name, packageName: `@portico/${name}`, dir, port, region, files: files.map((f) => f.path) };
  if (options.dryRun) {
    log(`portico new --dry-run: would write apps/${name} (@portico/${name}, dev port ${port}, region ${region}):`);
    for (const file of files) log(`  apps/${name}/${file.path}`);
    return { ...result, installed: false, dryRun: true };
  }
  mkdirSync(join(root, 'apps'), { recursive: true });
  mkdirSync(dir);
  for (const file of files) {
    mkdirSync(dirname(join(dir, file.path)), { recursive: true });
    writeFileSync(join(dir, file.path), file.text);
  }
  log(`portico new: wrote apps/${name} (@portico/${name}, dev port ${port}, region ${region}): ${files.length} files`);

  const install = options.install ?? true;
  if (install) {
    // A new package is a new lockfile entry: CI's default --frozen-lockfile would refuse exactly what was asked for.
    const args = ['install', '--prefer-offline', '--frozen-lockfile=false'];
    log(`portico new: pnpm ${args.join(' ')}`);
    const code = await new Promise<number>((resolve, reject) => {
      const child = spawn('pnpm', args, { cwd: root, stdio: 'inherit' });
      child.once('error', (error) => reject(new Error(`cannot run pnpm (${error.message}): apps/${name} is written; run \`pnpm install\` yourself`)));
      child.once('exit', (exit) => resolve(exit ?? 1));
    });
    if (code !== 0) throw new Error(`pnpm install failed (exit ${code}): apps/${name} is written; fix what pnpm said and run \`pnpm install\` again`);
  }
  return { ...result, installed: install, dryRun: false };
}

/**
 * What to run next, as the lines `portico new` ends with.
 *
 * @example
 * nextSteps(api); // ['next:', '  pnpm --filter @portico/orders-api dev    serve it at http://127.0.0.1:3002/dev …', …]
 */
export function nextSteps(api: NewApi): string[] {
  if (api.dryRun) return [`nothing written: run it again without --dry-run to create apps/${api.name}`];
  const filter = `pnpm --filter ${api.packageName}`;
  const steps: Array<readonly [string, string]> = [
    ...(api.installed ? [] : [['pnpm install', 'link the new package'] as const]),
    // `pnpm dev` serves the template's `dev` stage; the package's own `dev` script serves it alone.
    [`${filter} dev`, `serve it at http://127.0.0.1:${api.port}/dev (and seed its table); \`pnpm dev\` serves every API`],
    [`${filter} test`, 'its tests: the handler against dynalite, its IAM actions, the seed, the synthesized stacks'],
    [`${filter} build`, 'its Lambda bundle (dist/), which synth and plan deploy'],
    [`${filter} synth`, `its stacks as Terraform JSON → infra/cdktf.out/stacks/${api.name}-<stage>/`],
    [`${filter} plan`, `terraform plan of ${TEMPLATE_STAGES.map((stage) => `${api.name}-${stage}`).join(' and ')} → infra/plans/`],
  ];
  const width = Math.max(...steps.map(([command]) => command.length));
  return ['next:', ...steps.map(([command, what]) => `  ${command.padEnd(width)}   ${what}`)];
}
