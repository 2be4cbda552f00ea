/**
 * `@portico/infra`: reusable CDKTF constructs for an API Gateway REST API service (one per gateway concept, and the
 * whole service from an API's declaration), and the composition root that discovers every `apps/<name>/portico.config.ts`
 * and synthesizes, plans and deploys its `<name>-<stage>` stacks. Declarations use `@portico/infra/api`.
 */

// Declaring an API
export {
  defineApi,
  stageOf,
  stackName,
  devStageOf,
  type ApiConfig,
  type StageSettings,
  type StageConfig,
  type TableConfig,
  type TableAction,
  type KeyAttribute,
  type LambdaConfig,
  type ThrottleConfig,
  type UsagePlanConfig,
  type CacheConfig,
  type CustomDomainConfig,
  type SmokeCheck,
} from './api';
export { discoverApis, loadApi, findRepoRoot, apiFolderOf, API_CONFIG_FILE, type DiscoveredApi } from './discover';

// Composition: stacks, synth, plan, deploy
export { synthesize, synthesizeFromEnv, selectApis, builtArtifact, findInfraDir, type SynthOptions, type SynthesizedStack } from './app';
export { ApiStack, type ApiStackProps } from './stacks/api-stack';
export { deploy, deploySummary, chooseStage, checkDestroy, type DeployOptions, type DeployResult } from './deploy';
export { planStacks, planStack, PLAN_FILES, type PlanRunOptions, type PlanRunResult } from './plan/run';
export { loadLambdaArtifact, type LambdaArtifact } from './lambda-artifact';
export { targetFromEnv, planTargetFromEnv, type DeployTarget, type StateBackend } from './target';
export { gatewayRoutes, type GatewayRoute } from './gateway-routes';

// Constructs, one per gateway concept
export { RestApiService, CACHE_VARY_HEADERS, type RestApiServiceProps } from './constructs/rest-api-service';
export { RestApi, type RestApiProps } from './constructs/rest-api';
export { Routes, type RoutesProps } from './constructs/routes';
export { Cors, type CorsProps } from './constructs/cors';
export { Deployment, type DeploymentProps } from './constructs/deployment';
export { Stage, type StageProps } from './constructs/stage';
export { UsagePlans, type UsagePlansProps } from './constructs/usage-plans';
export { Edge, type EdgeProps } from './constructs/edge';
export { ApiFunction, type ApiFunctionProps, type FunctionTableGrant } from './constructs/api-function';
export { Table, type TableProps } from './constructs/table';
