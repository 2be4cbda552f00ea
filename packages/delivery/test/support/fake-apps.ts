/**
 * A workspace's apps as the delivery scripts see them: a folder each with its `portico.config.ts` (plain data, what
 * infra's loader reads), and the same apps described to the fake turbo (`fake-turbo.cjs`) that plays turbo and infra.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SmokeCheck } from '@portico/infra/api';

/** The stand-in for `turbo` (and `pnpm turbo`), run with `node`. */
export const FAKE_TURBO = join(__dirname, 'fake-turbo.cjs');

export interface FakeApp {
  /** e.g. `apps/alpha-api` */
  dir: string;
  name: string;
  stages: string[];
  smoke?: SmokeCheck[];
}

export const ALPHA: FakeApp = {
  dir: 'apps/alpha-api',
  name: 'alpha-api',
  stages: ['dev', 'prod'],
  smoke: [{ path: '/hello', contains: 'Hello from alpha' }],
};
export const BETA: FakeApp = {
  dir: 'apps/beta-api',
  name: 'beta-api',
  stages: ['dev', 'prod'],
  smoke: [{ path: '/notes?limit=1', contains: '"notes"' }, { path: '/admin', status: 403 }],
};

/** Writes each app's declaration under `root`; returns the environment that tells the fake turbo about them. */
export function writeApps(root: string, apps: readonly FakeApp[]): { FAKE_APPS: string } {
  for (const app of apps) {
    mkdirSync(join(root, app.dir), { recursive: true });
    const config = { name: app.name, stages: Object.fromEntries(app.stages.map((s) => [s, {}])), ...(app.smoke ? { smoke: app.smoke } : {}) };
    writeFileSync(join(root, app.dir, 'portico.config.ts'), `export default ${JSON.stringify(config, null, 2)};\n`);
  }
  return { FAKE_APPS: JSON.stringify(Object.fromEntries(apps.map((a) => [a.dir, { name: a.name, stages: a.stages }]))) };
}

export const stacksOf = (app: FakeApp) => app.stages.map((stage) => `${app.name}-${stage}`);
