import { ApiGatewayResource } from '@cdktf/provider-aws/lib/api-gateway-resource';
import { ApiGatewayRestApi } from '@cdktf/provider-aws/lib/api-gateway-rest-api';
import type { TerraformResource } from 'cdktf';
import { Construct } from 'constructs';

export interface RestApiProps {
  readonly name: string;
  /** @default no description */
  readonly description?: string;
  /**
   * REGIONAL, because CloudFront in front is ours: an EDGE endpoint would put a second, unconfigurable
   * CloudFront distribution behind it.
   * @default 'REGIONAL'
   */
  readonly endpointType?: 'REGIONAL' | 'EDGE' | 'PRIVATE';
  /**
   * Media types passed to the function as base64 bytes, and returned as bytes to clients whose `Accept` names one.
   * @default none: every body is text
   */
  readonly binaryMediaTypes?: readonly string[];
}

/**
 * The REST API and its resource tree. Every construct that defines what the API does (resources, methods,
 * integrations, models, validators, gateway responses) registers its resources through `define()`, and the
 * deployment hashes exactly that set: one list, so nothing that changes the API can be forgotten by the redeploy.
 */
export class RestApi extends Construct {
  readonly api: ApiGatewayRestApi;
  private readonly resources = new Map<string, ApiGatewayResource>();
  private readonly definition: TerraformResource[] = [];

  constructor(scope: Construct, id: string, props: RestApiProps) {
    super(scope, id);
    this.api = new ApiGatewayRestApi(this, 'Api', {
      name: props.name,
      ...(props.description ? { description: props.description } : {}),
      endpointConfiguration: { types: [props.endpointType ?? 'REGIONAL'] },
      apiKeySource: 'HEADER',
      ...(props.binaryMediaTypes?.length ? { binaryMediaTypes: [...props.binaryMediaTypes] } : {}),
    });
    // Binary media types only take effect in a new deployment: they join the definition the redeploy hashes.
    if (props.binaryMediaTypes?.length) this.define(this.api);
  }

  /** The id of the resource at `path` (`/` is the root), creating it and its missing parents. */
  resourceId(path: string): string {
    if (path === '/') return this.api.rootResourceId;
    const existing = this.resources.get(path);
    if (existing) return existing.id;
    const cut = path.lastIndexOf('/');
    const parentPath = cut === 0 ? '/' : path.slice(0, cut);
    const resource = this.define(
      new ApiGatewayResource(this, `Path${path.replaceAll('/', '_')}`, {
        restApiId: this.api.id,
        parentId: this.resourceId(parentPath),
        pathPart: path.slice(cut + 1),
      }),
    );
    this.resources.set(path, resource);
    return resource.id;
  }

  /** Records a resource as part of the API definition (it then takes part in the redeploy hash). */
  define<T extends TerraformResource>(resource: T): T {
    this.definition.push(resource);
    return resource;
  }

  /** Everything registered through `define()`, in registration order. */
  get definitionResources(): readonly TerraformResource[] {
    return this.definition;
  }

  /** Every resource path of the tree, parents first. */
  get paths(): readonly string[] {
    return [...this.resources.keys()];
  }

  get id(): string {
    return this.api.id;
  }

  /** `arn:aws:execute-api:<region>:<account>:<api-id>`: the prefix Lambda permissions are scoped to. */
  get executionArn(): string {
    return this.api.executionArn;
  }
}
