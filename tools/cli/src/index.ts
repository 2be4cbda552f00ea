/**
 * `@portico/cli`: what the `portico` command does, as functions — build an API's Lambda (once or watching), serve
 * every API locally (`pnpm dev`), scaffold a new API — and what the apps' scripts share: measuring an API's Lambda
 * durations for the plan's cost estimate, generating a typed client's types. Those two are also their own entry points
 * (`@portico/cli/measure`, `@portico/cli/client-types`): this barrel loads the dev server and infra with it, seconds
 * a script need not wait.
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

// Measuring an API's Lambda durations per route (its `cost/lambda-durations.json`)
export {
  measureLambdaDurations,
  writeLambdaDurations,
  describeDurations,
  trafficRoutes,
  measureOptionsOf,
  responseBytes,
  MEASURE_DEFAULTS,
  type MeasureDurationsOptions,
  type MeasureContext,
  type MeasuredHandler,
  type ApiMeasureOptions,
} from './measure-durations';

// A typed client's generated types (`apps/<api>/client/src/generated`)
export { generateClientTypes, apiKeyUse, bearerOperations, type ClientTypesOptions, type ApiKeyUse } from './client-types';
