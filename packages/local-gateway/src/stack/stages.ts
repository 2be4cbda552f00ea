/**
 * Stages and their settings: `aws_api_gateway_stage`, an older stack's `aws_api_gateway_deployment.stage_name`, and
 * `aws_api_gateway_method_settings` (the stage and deployment constructs' output).
 */
import { UnsupportedStackError } from '../errors';
import type { RestApis } from './rest-api';
import { block, stringMap, type StackReader } from './resolver';

/** The cache cluster sizes API Gateway offers, in GB (`cache_cluster_size`). */
export const CACHE_CLUSTER_SIZES_GB = [0.5, 1.6, 6.1, 13.5, 28.4, 58.2, 118, 237] as const;
/** What API Gateway provisions when a stage enables its cache without a size. */
export const DEFAULT_CACHE_CLUSTER_GB = 0.5;

/**
 * @example
 * readStages(reader, apis);
 * api.stages.get('dev'); // { cacheClusterEnabled: true, cacheClusterSizeGb: 0.5, methodSettings: Map { '*\/*' => … } }
 */
export function readStages(reader: StackReader, apis: RestApis): void {
  const { resolver, str } = reader;
  for (const { address, config } of reader.all('aws_api_gateway_stage')) {
    const api = apis.apiOf(address, config);
    const name = str(address, config, 'stage_name');
    api.stages.set(name, {
      address,
      name,
      variables: stringMap(resolver.resolve(config.variables)),
      cacheClusterEnabled: resolver.resolve(config.cache_cluster_enabled) === true,
      cacheClusterSizeGb: cacheClusterSize(address, resolver.resolve(config.cache_cluster_size)),
      methodSettings: new Map(),
    });
  }
  // Older stacks name the stage on the deployment itself.
  for (const { address, config } of reader.all('aws_api_gateway_deployment')) {
    if (config.stage_name === undefined) continue;
    const api = apis.apiOf(address, config);
    const name = str(address, config, 'stage_name');
    if (!api.stages.has(name)) {
      api.stages.set(name, {
        address,
        name,
        variables: stringMap(resolver.resolve(config.variables)),
        cacheClusterEnabled: false,
        cacheClusterSizeGb: DEFAULT_CACHE_CLUSTER_GB,
        methodSettings: new Map(),
      });
    }
  }

  for (const { address, config } of reader.all('aws_api_gateway_method_settings')) {
    const api = apis.apiOf(address, config);
    const stageName = str(address, config, 'stage_name');
    const stage = api.stages.get(stageName);
    if (!stage) throw new UnsupportedStackError(address, `stage_name ${stageName} names no stage of ${api.address}`);
    const settings = block(resolver.resolve(config.settings)) ?? {};
    const num = (key: string) => (settings[key] === undefined ? undefined : Number(settings[key]));
    const bool = (key: string) => (settings[key] === undefined ? undefined : settings[key] === true);
    // The API's own patch paths escape "/" as "~1"; Terraform's method_path does not. Accept both.
    const methodPath = str(address, config, 'method_path').replace(/~1/g, '/').replace(/^\//, '');
    stage.methodSettings.set(methodPath, {
      throttlingBurstLimit: num('throttling_burst_limit'),
      throttlingRateLimit: num('throttling_rate_limit'),
      cachingEnabled: bool('caching_enabled'),
      cacheTtlSeconds: num('cache_ttl_in_seconds'),
      requireAuthorizationForCacheControl: bool('require_authorization_for_cache_control'),
      unauthorizedCacheControlHeaderStrategy:
        settings.unauthorized_cache_control_header_strategy === undefined
          ? undefined
          : String(settings.unauthorized_cache_control_header_strategy),
    });
  }

}

function cacheClusterSize(address: string, value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_CACHE_CLUSTER_GB;
  const size = Number(value);
  if (!(CACHE_CLUSTER_SIZES_GB as readonly number[]).includes(size)) {
    throw new UnsupportedStackError(address, `cache_cluster_size ${JSON.stringify(value)} is not one API Gateway offers (${CACHE_CLUSTER_SIZES_GB.join(', ')})`);
  }
  return size;
}
