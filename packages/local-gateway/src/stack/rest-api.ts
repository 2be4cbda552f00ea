/**
 * `aws_api_gateway_rest_api` and what hangs off it directly: the resource tree, models, request validators and
 * gateway responses (the rest-api construct's output). Refuses what the gateway cannot emulate, naming the resource.
 */
import { UnsupportedStackError } from '../errors';
import type { RequestValidatorDef, ResourceDef, RestApiDef } from './model';
import { stringMap, type Json, type StackReader } from './resolver';

/** The stack's REST APIs by id, with lookups the other readers use to attach to them. */
export interface RestApis {
  byId: Map<string, RestApiDef>;
  validators: Map<string, RequestValidatorDef>;
  /** The API a block's `rest_api_id` names. */
  apiOf(address: string, config: Json): RestApiDef;
  /** The API and resource a block's `rest_api_id` + `resource_id` name. */
  resourceOf(address: string, config: Json): { api: RestApiDef; resource: ResourceDef };
}

/**
 * @example
 * const apis = readRestApis(reader);
 * [...apis.byId.values()][0].resources; // Map of id → { path: '/orders/{id}', … }
 */
export function readRestApis(reader: StackReader): RestApis {
  const { resolver, str, id } = reader;

  const byId = new Map<string, RestApiDef>();
  for (const { address, config } of reader.all('aws_api_gateway_rest_api')) {
    if (config.body !== undefined) {
      throw new UnsupportedStackError(address, 'APIs defined by an OpenAPI "body" are not emulated; declare resources and methods');
    }
    const apiKeySource = config.api_key_source === undefined ? 'HEADER' : str(address, config, 'api_key_source');
    if (apiKeySource !== 'HEADER' && apiKeySource !== 'AUTHORIZER') {
      throw new UnsupportedStackError(address, `api_key_source "${apiKeySource}" is neither HEADER nor AUTHORIZER`);
    }
    const apiId = id(address);
    const rootResourceId = resolver.attribute(address, 'root_resource_id');
    byId.set(apiId, {
      address,
      id: apiId,
      name: str(address, config, 'name', apiId),
      apiKeySource,
      authorizers: new Map(),
      rootResourceId,
      binaryMediaTypes: ((resolver.resolve(config.binary_media_types) as string[] | undefined) ?? []).map(String),
      resources: new Map([[rootResourceId, { id: rootResourceId, path: '/', pathPart: '', methods: new Map() }]]),
      models: new Map(),
      gatewayResponses: new Map(),
      stages: new Map(),
    });
  }
  const apiOf = (address: string, config: Json): RestApiDef => {
    const apiId = str(address, config, 'rest_api_id');
    const api = byId.get(apiId);
    if (!api) throw new UnsupportedStackError(address, `rest_api_id ${apiId} names no aws_api_gateway_rest_api in the stack`);
    return api;
  };
  const resourceOf = (address: string, config: Json) => {
    const api = apiOf(address, config);
    const resourceId = str(address, config, 'resource_id');
    const resource = api.resources.get(resourceId);
    if (!resource) throw new UnsupportedStackError(address, `resource_id ${resourceId} names no resource of ${api.address}`);
    return { api, resource };
  };

  for (const { address, config } of reader.all('aws_api_gateway_resource')) {
    const api = apiOf(address, config);
    const resourceId = id(address);
    api.resources.set(resourceId, {
      id: resourceId,
      path: '',
      parentId: str(address, config, 'parent_id'),
      pathPart: str(address, config, 'path_part'),
      methods: new Map(),
    });
  }
  for (const api of byId.values()) {
    for (const resource of api.resources.values()) resource.path = resolver.resourcePath(api, resource.id);
  }

  for (const { address, config } of reader.all('aws_api_gateway_model')) {
    const api = apiOf(address, config);
    const raw = resolver.resolve(config.schema);
    const name = str(address, config, 'name');
    api.models.set(name, {
      id: id(address),
      name,
      contentType: str(address, config, 'content_type', 'application/json'),
      schema: typeof raw === 'string' ? JSON.parse(raw) : raw,
    });
  }

  const validators = new Map<string, RequestValidatorDef>();
  for (const { address, config } of reader.all('aws_api_gateway_request_validator')) {
    const validatorId = id(address);
    validators.set(validatorId, {
      id: validatorId,
      name: str(address, config, 'name', validatorId),
      validateBody: resolver.resolve(config.validate_request_body) === true,
      validateParameters: resolver.resolve(config.validate_request_parameters) === true,
    });
  }

  for (const { address, config } of reader.all('aws_api_gateway_gateway_response')) {
    const api = apiOf(address, config);
    const responseType = str(address, config, 'response_type');
    api.gatewayResponses.set(responseType, {
      responseType,
      statusCode: config.status_code === undefined ? undefined : Number(str(address, config, 'status_code')),
      responseParameters: stringMap(resolver.resolve(config.response_parameters)),
      responseTemplates: stringMap(resolver.resolve(config.response_templates)),
    });
  }

  return { byId, validators, apiOf, resourceOf };
}
