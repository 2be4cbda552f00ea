import { ApiGatewayApiKey } from '@cdktf/provider-aws/lib/api-gateway-api-key';
import { ApiGatewayUsagePlan } from '@cdktf/provider-aws/lib/api-gateway-usage-plan';
import { ApiGatewayUsagePlanKey } from '@cdktf/provider-aws/lib/api-gateway-usage-plan-key';
import { Construct } from 'constructs';
import type { UsagePlanConfig } from '../api';

export interface UsagePlansProps {
  readonly apiId: string;
  readonly stageName: string;
  /** Plan name → limits; each plan gets one API key. */
  readonly plans: Readonly<Record<string, UsagePlanConfig>>;
  /** Prefix of plan and key names, so stages sharing an account stay apart. */
  readonly namePrefix: string;
}

/**
 * Usage plans bound to the stage, each with one API key. A key only works on methods that require one (the write
 * routes) and only through a plan that includes the stage. Usage plans are not a cost control: AWS applies them
 * on a best-effort basis, so pair them with WAF rate rules for abuse.
 */
export class UsagePlans extends Construct {
  readonly keys = new Map<string, ApiGatewayApiKey>();
  readonly plans = new Map<string, ApiGatewayUsagePlan>();

  constructor(scope: Construct, id: string, props: UsagePlansProps) {
    super(scope, id);
    for (const [name, limits] of Object.entries(props.plans)) {
      const plan = new ApiGatewayUsagePlan(this, `${name}Plan`, {
        name: `${props.namePrefix}-${name}`,
        apiStages: [{ apiId: props.apiId, stage: props.stageName }],
        throttleSettings: { rateLimit: limits.rateLimit, burstLimit: limits.burstLimit },
        quotaSettings: { limit: limits.quotaLimit, period: limits.quotaPeriod },
      });
      const key = new ApiGatewayApiKey(this, `${name}Key`, { name: `${props.namePrefix}-${name}`, enabled: true });
      new ApiGatewayUsagePlanKey(this, `${name}PlanKey`, { keyId: key.id, keyType: 'API_KEY', usagePlanId: plan.id });
      this.plans.set(name, plan);
      this.keys.set(name, key);
    }
  }
}
