/**
 * `@portico/cli`: what the `portico` command does, as functions — build an API's Lambda (once or watching), serve
 * every API locally (`pnpm dev`), scaffold a new API.
 */
export {
  buildApp,
  watchApp,
  bundleOptions,
  builtinsPlugin,
  deterministicZip,
  packageBundle,
  formatBytes,
  BUNDLE_FILE,
  type BuildMeta,
  type BuildReport,
  type WatchBuild,
} from './build';
export { startDev, defaultDataDir, devPorts, type DevOptions, type DevServer, type ServedApi, type Seed, type SeedContext } from './dev';
