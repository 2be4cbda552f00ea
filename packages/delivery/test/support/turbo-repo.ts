/**
 * A throwaway git repository shaped like this workspace, for asking the repo's own turbo what a change affects: the
 * workspace's manifests (every package.json, turbo.json, pnpm-workspace.yaml, pnpm-lock.yaml), each app's tracked files
 * (its portico.config.ts and what that imports), and one more app, `probe-api`, so there are always at least two.
 * No install: each app's node_modules links to the real app's, which is all its portico.config.ts needs to load.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './workflow';

export const TURBO_BIN = join(REPO_ROOT, 'node_modules', '.bin', 'turbo');

/** The extra app: a copy of a real app's manifest under another name, with three stages where real apps have two. */
export const PROBE_API = { name: 'probe-api', dir: 'apps/probe-api', stages: ['dev', 'staging', 'prod'] } as const;

const PROBE_CONFIG = `import { defineApi, type StageSettings } from '@portico/infra/api';

const stage: StageSettings = {
  region: 'eu-west-1',
  throttle: { rateLimit: 10, burstLimit: 20 },
  usagePlans: {},
  cache: { enabled: false, clusterSize: '0.5', ttlSeconds: 0 },
  corsOrigins: [],
  logRetentionDays: 7,
  lambda: { memoryMb: 256, timeoutSeconds: 5 },
  stageVariables: {},
  manageGatewayLoggingRole: false,
  protectData: false,
};

export default defineApi({
  name: '${PROBE_API.name}',
  routes: [],
  buildMeta: 'dist/build-meta.json',
  stages: { ${PROBE_API.stages.map((s) => `${s}: stage`).join(', ')} },
});
`;

export interface TurboRepo {
  dir: string;
  /** The first commit: every case branches from it. */
  initial: string;
  /** App folders, relative (`apps/<name>`), the probe included. */
  apps: string[];
  /** Starts a branch at the first commit, writes `files`, commits them; returns the new HEAD. */
  commitChange(files: Record<string, string>): string;
  git(...args: string[]): string;
  remove(): void;
}

const GIT_ENV = {
  GIT_AUTHOR_NAME: 'portico',
  GIT_AUTHOR_EMAIL: 'portico@example.test',
  GIT_COMMITTER_NAME: 'portico',
  GIT_COMMITTER_EMAIL: 'portico@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: tmpdir(),
};

export function makeTurboRepo(): TurboRepo {
  const dir = mkdtempSync(join(tmpdir(), 'portico-turbo-repo-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...process.env, ...GIT_ENV }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  const tracked = (...patterns: string[]) =>
    execFileSync('git', ['ls-files', '--', ...patterns], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  const copy = (path: string) => {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    cpSync(join(REPO_ROOT, path), join(dir, path));
  };

  for (const path of tracked('package.json', '*/package.json', 'turbo.json', 'pnpm-workspace.yaml', 'pnpm-lock.yaml')) {
    if (!path.startsWith('apps/')) copy(path);
  }
  const realApps = [...new Set(tracked('apps/*/portico.config.ts').map((path) => dirname(path)))].sort();
  if (realApps.length === 0) throw new Error('no apps/*/portico.config.ts is tracked in this repository');
  for (const app of realApps) {
    for (const path of tracked(`${app}/`)) copy(path);
    symlinkSync(join(REPO_ROOT, app, 'node_modules'), join(dir, app, 'node_modules'));
  }

  // The probe: the first app's manifest renamed (same dependencies, same scripts), with its own declaration.
  const source = realApps[0]!;
  const manifest = JSON.parse(readFileSync(join(REPO_ROOT, source, 'package.json'), 'utf8')) as { name: string };
  mkdirSync(join(dir, PROBE_API.dir));
  writeFileSync(join(dir, PROBE_API.dir, 'package.json'), `${JSON.stringify({ ...manifest, name: `@portico/${PROBE_API.name}` }, null, 2)}\n`);
  writeFileSync(join(dir, PROBE_API.dir, 'portico.config.ts'), PROBE_CONFIG);
  symlinkSync(join(REPO_ROOT, source, 'node_modules'), join(dir, PROBE_API.dir, 'node_modules'));
  // turbo reads each workspace's dependencies from the lockfile too: the probe gets the importer of the app it copies.
  writeFileSync(join(dir, 'pnpm-lock.yaml'), withImporterCopy(readFileSync(join(dir, 'pnpm-lock.yaml'), 'utf8'), source, PROBE_API.dir));
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n.turbo/\n');

  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'workspace');
  const initial = git('rev-parse', 'HEAD');
  let cases = 0;
  return {
    dir,
    initial,
    apps: [...realApps, PROBE_API.dir].sort(),
    git,
    commitChange(files) {
      git('checkout', '-q', '-B', `case-${++cases}`, initial);
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', `change ${Object.keys(files).join(', ') || 'nothing'}`);
      return git('rev-parse', 'HEAD');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** The lockfile with `from`'s importer block repeated under `to`. */
function withImporterCopy(lockfile: string, from: string, to: string): string {
  const lines = lockfile.split('\n');
  const start = lines.indexOf(`  ${from}:`);
  if (start < 0) throw new Error(`pnpm-lock.yaml has no importer ${from}`);
  let end = start + 1;
  while (end < lines.length && !/^ {0,2}\S/.test(lines[end]!)) end++;
  const block = [`  ${to}:`, ...lines.slice(start + 1, end)];
  return [...lines.slice(0, start), ...block, ...lines.slice(start)].join('\n');
}
