import { ApiGatewayDeployment } from '@cdktf/provider-aws/lib/api-gateway-deployment';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import type { RestApi } from './rest-api';

export interface DeploymentProps {
  readonly api: RestApi;
  /** @default 'Managed by Portico' */
  readonly description?: string;
}

/**
 * A snapshot of the API that stages point at.
 *
 * API Gateway serves a stage from its deployment, not from the live resources, and Terraform has no way to know that
 * a changed method or model makes the old deployment stale (hashicorp/terraform#6613): the stage keeps serving the
 * old API. So `triggers.redeployment` is a hash of the synthesized configuration of every resource the API registered
 * through `RestApi.define()`, and any change there replaces the deployment. `create_before_destroy` makes the new
 * deployment exist before the stage moves off the old one, which can only be deleted once no stage points at it.
 * Changes outside the API definition (function code, stage throttling, usage plans) do not redeploy.
 */
export class Deployment extends Construct {
  readonly deployment: ApiGatewayDeployment;

  constructor(scope: Construct, id: string, props: DeploymentProps) {
    super(scope, id);
    const definition = props.api.definitionResources;
    this.deployment = new ApiGatewayDeployment(this, 'Deployment', {
      restApiId: props.api.id,
      description: props.description ?? 'Managed by Portico',
      triggers: {
        // Lazy: the hash must see every resource defined after this construct, and their resolved references.
        redeployment: Lazy.stringValue({
          produce: (context) =>
            definitionHash(definition.map((resource) => withoutLifecycle(context.resolve(resource.toTerraform())))),
        }),
      },
      lifecycle: { createBeforeDestroy: true },
      // A deployment of an API whose methods lack integrations is rejected; wait for the whole definition.
      dependsOn: [...definition],
    });
  }

  get id(): string {
    return this.deployment.id;
  }
}

type Synthesized = { resource?: Record<string, Record<string, Record<string, unknown>>> } & Record<string, unknown>;

/**
 * A synthesized resource without its `lifecycle` block: lifecycle rules say how Terraform manages a resource (the
 * emulator target ignores drift the emulator cannot repair), not what API Gateway serves, so they never redeploy.
 */
function withoutLifecycle(synthesized: Synthesized): Synthesized {
  const resource = Object.fromEntries(
    Object.entries(synthesized.resource ?? {}).map(([type, byId]) => [
      type,
      Object.fromEntries(Object.entries(byId).map(([id, { lifecycle: _lifecycle, ...body }]) => [id, body])),
    ]),
  );
  return { ...synthesized, resource };
}

/** SHA-256 over a canonical JSON rendering (sorted keys), so the hash does not depend on property order. */
export function definitionHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
