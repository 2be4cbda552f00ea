/**
 * API keys and usage plans: `aws_api_gateway_api_key`, `_usage_plan`, `_usage_plan_key` (the usage-plans
 * construct's output). A key opens a stage only through a plan that lists the stage, as on AWS.
 */
import { UnsupportedStackError } from '../errors';
import type { ApiKeyDef, QuotaDef, UsagePlanDef } from './model';
import { block, blockList, optionalNumber, type StackReader } from './resolver';

/**
 * @example
 * const { apiKeys, usagePlans } = readUsagePlans(reader);
 * usagePlans[0].quota; // { limit: 1000, period: 'DAY', offset: 0 }
 */
export function readUsagePlans(reader: StackReader): { apiKeys: Map<string, ApiKeyDef>; usagePlans: UsagePlanDef[] } {
  const { resolver, str, id } = reader;
  const apiKeys = new Map<string, ApiKeyDef>();
  for (const { address, config } of reader.all('aws_api_gateway_api_key')) {
    const keyId = id(address);
    const given = resolver.resolve(config.value);
    apiKeys.set(keyId, {
      address,
      id: keyId,
      name: str(address, config, 'name', keyId),
      value: given === undefined ? resolver.attribute(address, 'value') : String(given),
      enabled: resolver.resolve(config.enabled) !== false,
      generated: given === undefined,
    });
  }

  const usagePlans: UsagePlanDef[] = [];
  const plansById = new Map<string, UsagePlanDef>();
  for (const { address, config } of reader.all('aws_api_gateway_usage_plan')) {
    const throttle = block(resolver.resolve(config.throttle_settings));
    const quota = block(resolver.resolve(config.quota_settings));
    const plan: UsagePlanDef = {
      address,
      id: id(address),
      name: str(address, config, 'name', address),
      apiStages: blockList(resolver.resolve(config.api_stages)).map((entry) => ({
        apiId: String(entry.api_id),
        stage: String(entry.stage),
        throttle: new Map(
          blockList(entry.throttle).map((t) => [
            String(t.path).replace(/~1/g, '/'),
            { burstLimit: optionalNumber(t.burst_limit), rateLimit: optionalNumber(t.rate_limit) },
          ]),
        ),
      })),
      throttle: throttle ? { burstLimit: optionalNumber(throttle.burst_limit), rateLimit: optionalNumber(throttle.rate_limit) } : undefined,
      quota: quota
        ? {
            limit: Number(quota.limit),
            period: String(quota.period ?? 'DAY').toUpperCase() as QuotaDef['period'],
            offset: Number(quota.offset ?? 0),
          }
        : undefined,
      apiKeyIds: [],
    };
    usagePlans.push(plan);
    plansById.set(plan.id, plan);
  }
  for (const { address, config } of reader.all('aws_api_gateway_usage_plan_key')) {
    const planId = str(address, config, 'usage_plan_id');
    const plan = plansById.get(planId);
    if (!plan) throw new UnsupportedStackError(address, `usage_plan_id ${planId} names no aws_api_gateway_usage_plan`);
    plan.apiKeyIds.push(str(address, config, 'key_id'));
  }

  return { apiKeys, usagePlans };
}
