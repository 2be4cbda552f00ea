/**
 * Reading Terraform JSON: the reference subset cdktf emits (`${type.name.attr}`, `${var.x}`, `${local.x}`), stable
 * made-up values for what only `apply` would know, and the block shapes cdktf writes. Every concept's reader
 * (functions, REST API, routes, stages, usage plans, tables) reads through the {@link StackReader} made here.
 *
 * Terraform only knows computed attributes (ids, ARNs, invoke ARNs) after `apply`; locally we invent stable ones from
 * the resource address so `${aws_api_gateway_rest_api.x.id}` style references resolve the same way on every run.
 */
import { createHash } from 'node:crypto';
import { UnsupportedStackError } from '../errors';
import { DEFAULT_REGION, type RestApiDef } from './model';

export type Json = Record<string, unknown>;
export type ResourceBlocks = Record<string, Record<string, Json>>;

const REF = /\$\{([^{}]+)\}/g;
const SIMPLE_REF = /^([a-z0-9_]+)\.([A-Za-z0-9_-]+)(?:\[(\d+)\])?\.([a-z0-9_]+)(?:\[(\d+)\])?(?:\.([a-z0-9_]+))?$/;

/** One resource block of the stack, with its address (`aws_lambda_function.echo_fn`). */
export interface Block {
  address: string;
  config: Json;
}

/** What every reader needs: the blocks of one type, required strings, computed ids. */
export interface StackReader {
  resolver: Resolver;
  region: string;
  accountId: string;
  /** Directory relative paths in the stack resolve against. */
  dir: string;
  /** Every block of a Terraform resource type; refuses `count`/`for_each`, which Terraform expands at plan time. */
  all(type: string): Block[];
  /** A resolved string attribute; throws naming the resource when it is missing (without a fallback) or unresolved. */
  str(address: string, config: Json, key: string, fallback?: string): string;
  /** The (computed) id of a resource. */
  id(address: string): string;
}

/**
 * @example
 * const reader = createStackReader(json, '/stacks/dev', 'us-east-1', '123456789012');
 * reader.all('aws_lambda_function'); // [{ address: 'aws_lambda_function.fn', config: {…} }]
 */
export function createStackReader(json: Json, dir: string, region: string, accountId: string): StackReader {
  const blocks = (json.resource ?? {}) as ResourceBlocks;
  const resolver = new Resolver(blocks, json, region, accountId);
  return {
    resolver,
    region,
    accountId,
    dir,
    all: (type) =>
      Object.entries(blocks[type] ?? {}).map(([name, config]) => {
        const address = `${type}.${name}`;
        for (const meta of ['count', 'for_each'] as const) {
          if (config[meta] !== undefined) {
            throw new UnsupportedStackError(address, `"${meta}" is not evaluated by the local gateway; declare each resource on its own`);
          }
        }
        return { address, config };
      }),
    str: (address, config, key, fallback) => {
      const value = resolver.resolve(config[key]);
      if (value === undefined || value === null) {
        if (fallback !== undefined) return fallback;
        throw new UnsupportedStackError(address, `missing "${key}"`);
      }
      const text = String(value);
      if (isUnresolved(text)) throw new UnsupportedStackError(address, `cannot resolve ${key} = ${JSON.stringify(text)} locally`);
      return text;
    },
    id: (address) => resolver.attribute(address, 'id'),
  };
}

/** True when a string still holds a Terraform expression we could not evaluate. */
export function isUnresolved(value: string): boolean {
  return value.includes('${');
}

export function findRegion(json: Json): string {
  const provider = (json.provider as Json | undefined)?.aws;
  const first = Array.isArray(provider) ? (provider[0] as Json | undefined) : (provider as Json | undefined);
  const region = first?.region;
  return typeof region === 'string' && !isUnresolved(region) ? region : DEFAULT_REGION;
}

/** Nested blocks come out of cdktf as an object or as a one-element list, depending on the schema. */
export function block(value: unknown): Json | undefined {
  if (Array.isArray(value)) return value[0] as Json | undefined;
  return value && typeof value === 'object' ? (value as Json) : undefined;
}

export function blockList(value: unknown): Json[] {
  if (Array.isArray(value)) return value as Json[];
  return value && typeof value === 'object' ? [value as Json] : [];
}

export function stringMap(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  return Object.fromEntries(Object.entries(value as Json).map(([k, v]) => [k, String(v)]));
}

export function optionalNumber(value: unknown): number | undefined {
  return value === undefined || value === null ? undefined : Number(value);
}

/**
 * Evaluates the reference subset cdktf emits: `${type.name.attr}`, `${var.x}` (defaults) and `${local.x}`.
 * Computed attributes get stable made-up values derived from the address, like the ones AWS would assign.
 */
export class Resolver {
  private readonly generated = new Map<string, string>();

  constructor(
    private readonly blocks: ResourceBlocks,
    private readonly json: Json,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  resolve(value: unknown, depth = 0): unknown {
    if (depth > 20) return value;
    if (typeof value === 'string') return this.resolveString(value, depth);
    if (Array.isArray(value)) return value.map((v) => this.resolve(v, depth + 1));
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Json)
          .filter(([k]) => k !== '//')
          .map(([k, v]) => [k, this.resolve(v, depth + 1)]),
      );
    }
    return value;
  }

  private resolveString(text: string, depth: number): unknown {
    const whole = /^\$\{([^{}]+)\}$/.exec(text);
    if (whole?.[1]) {
      const value = this.expression(whole[1].trim(), depth);
      return value === undefined ? text : value;
    }
    return text.replace(REF, (raw, expr: string) => {
      const value = this.expression(expr.trim(), depth);
      return value === undefined || typeof value === 'object' ? raw : String(value);
    });
  }

  private expression(expr: string, depth: number): unknown {
    const variable = /^var\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (variable?.[1]) {
      const declared = (this.json.variable as Json | undefined)?.[variable[1]] as Json | undefined;
      return declared?.default === undefined ? undefined : this.resolve(declared.default, depth + 1);
    }
    const local = /^local\.([A-Za-z0-9_-]+)$/.exec(expr);
    if (local?.[1]) {
      const locals = this.json.locals as Json | undefined;
      return locals?.[local[1]] === undefined ? undefined : this.resolve(locals[local[1]], depth + 1);
    }
    const ref = SIMPLE_REF.exec(expr);
    if (!ref) return undefined;
    const [, type, name, , attr, index, subAttr] = ref;
    if (!type || !name || !attr || !this.blocks[type]?.[name]) return undefined;
    let value: unknown = this.attribute(`${type}.${name}`, attr, depth);
    if (index !== undefined && Array.isArray(value)) value = value[Number(index)];
    if (subAttr !== undefined) value = (block(value) ?? {})[subAttr];
    return value;
  }

  attribute(address: string, attr: string, depth = 0): string & unknown {
    const [type = '', name = ''] = address.split('.');
    const config = this.blocks[type]?.[name] ?? {};
    if (config[attr] !== undefined && !(type === 'aws_api_gateway_api_key' && attr === 'id')) {
      return this.resolve(config[attr], depth + 1) as string;
    }
    const hash = (length: number) => digest(address, length);
    const literal = (key: string) => {
      const value = this.resolve(config[key], depth + 1);
      return typeof value === 'string' ? value : name;
    };
    switch (`${type}.${attr}`) {
      case 'aws_lambda_function.id':
        return literal('function_name');
      case 'aws_lambda_function.arn':
      case 'aws_lambda_function.qualified_arn':
        return `arn:aws:lambda:${this.region}:${this.accountId}:function:${literal('function_name')}`;
      case 'aws_lambda_function.invoke_arn':
        return `arn:aws:apigateway:${this.region}:lambda:path/2015-03-31/functions/arn:aws:lambda:${this.region}:${this.accountId}:function:${literal('function_name')}/invocations`;
      case 'aws_dynamodb_table.id':
        return literal('name');
      case 'aws_dynamodb_table.arn':
        return `arn:aws:dynamodb:${this.region}:${this.accountId}:table/${literal('name')}`;
      case 'aws_api_gateway_rest_api.root_resource_id':
        return digest(`${address}/`, 10);
      case 'aws_api_gateway_rest_api.execution_arn':
        return `arn:aws:execute-api:${this.region}:${this.accountId}:${this.attribute(address, 'id', depth + 1)}`;
      case 'aws_api_gateway_resource.path': {
        const parent = this.resolve(config.parent_id, depth + 1);
        const part = String(this.resolve(config.path_part, depth + 1));
        const parentPath = this.pathOfResourceId(String(parent), depth + 1);
        return parentPath === '/' ? `/${part}` : `${parentPath}/${part}`;
      }
      case 'aws_api_gateway_api_key.value': {
        // AWS would pick 40 random characters. Locally the value is derived from the stack and key address instead,
        // so it survives restarts (saved curl commands keep working); it is printed at startup.
        const value = digest(`api-key:${JSON.stringify(this.json['//'] ?? '')}:${address}`, 40);
        this.generated.set(address, value);
        return value;
      }
      case 'aws_cognito_user_pool.id':
        // Pool ids are the region, an underscore and nine letters and digits of both cases: `eu-west-1_AbCd12345`.
        return `${this.region}_${digest(address, 9, MIXED_CASE)}`;
      case 'aws_cognito_user_pool.arn':
        return `arn:aws:cognito-idp:${this.region}:${this.accountId}:userpool/${this.attribute(address, 'id', depth + 1)}`;
      case 'aws_cognito_user_pool.endpoint':
        return `cognito-idp.${this.region}.amazonaws.com/${this.attribute(address, 'id', depth + 1)}`;
      case 'aws_cognito_user_pool_client.id':
        // App client ids: 26 lowercase letters and digits.
        return digest(address, 26);
      case 'aws_cognito_user_pool_client.client_secret':
        return digest(`secret:${address}`, 51);
      case 'aws_cognito_resource_server.scope_identifiers': {
        const identifier = literal('identifier');
        return blockList(this.resolve(config.scope, depth + 1)).map((s) => `${identifier}/${String(s.scope_name)}`) as unknown as string;
      }
      case 'aws_api_gateway_authorizer.id':
        return hash(6);
      case 'aws_api_gateway_stage.invoke_url':
        return `https://${String(this.resolve(config.rest_api_id, depth + 1))}.execute-api.${this.region}.amazonaws.com/${literal('stage_name')}`;
      default:
        if (attr === 'id') return hash(type === 'aws_api_gateway_resource' ? 6 : 10);
        if (attr === 'arn') return `arn:aws:${type.replace(/^aws_/, '')}:${this.region}:${this.accountId}:${hash(10)}`;
        if (attr === 'name') return literal('name');
        return `\${${address}.${attr}}`;
    }
  }

  private pathOfResourceId(resourceId: string, depth: number): string {
    if (depth > 40) return '';
    for (const [name, config] of Object.entries(this.blocks.aws_api_gateway_resource ?? {})) {
      if (this.attribute(`aws_api_gateway_resource.${name}`, 'id', depth + 1) === resourceId) {
        return this.attribute(`aws_api_gateway_resource.${name}`, 'path', depth + 1);
      }
      void config;
    }
    return '/';
  }

  resourcePath(api: RestApiDef, resourceId: string): string {
    const parts: string[] = [];
    let current = api.resources.get(resourceId);
    const seen = new Set<string>();
    while (current && current.id !== api.rootResourceId && !seen.has(current.id)) {
      seen.add(current.id);
      parts.unshift(current.pathPart);
      current = current.parentId ? api.resources.get(current.parentId) : undefined;
    }
    return `/${parts.join('/')}`;
  }
}

const LOWER_CASE = 'abcdefghijklmnopqrstuvwxyz0123456789';
const MIXED_CASE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Stable made-up id characters from `input`: lowercase alphanumerics by default, like API Gateway's ids. */
export function digest(input: string, length: number, alphabet = LOWER_CASE): string {
  const bytes = createHash('sha512').update(input).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}
