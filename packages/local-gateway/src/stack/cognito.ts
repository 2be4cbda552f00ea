/**
 * Cognito user pools the stack declares: `aws_cognito_user_pool`, `_user_pool_client`, `_resource_server` and
 * `_user_group`. Each pool becomes a local user pool (`src/cognito/`) that signs tokens a COGNITO_USER_POOLS
 * authorizer of the stack accepts.
 */
import { UnsupportedStackError } from '../errors';
import type { UserPoolClientDef, UserPoolDef } from './model';
import { block, blockList, optionalNumber, type StackReader } from './resolver';

/** Token lifetimes Terraform gives an app client that sets none (hours for ID and access tokens). */
const DEFAULT_TOKEN_HOURS = 1;

/**
 * @example
 * const pools = readUserPools(reader);
 * [...pools.values()][0]; // { id: 'eu-west-1_AbCd12345', clients: Map { '1h57kf5cpq17m0eml12EXAMPLE' => … }, … }
 */
export function readUserPools(reader: StackReader): Map<string, UserPoolDef> {
  const { resolver, str, id } = reader;
  const pools = new Map<string, UserPoolDef>();
  for (const { address, config } of reader.all('aws_cognito_user_pool')) {
    const poolId = id(address);
    pools.set(poolId, {
      address,
      id: poolId,
      name: str(address, config, 'name', poolId),
      arn: resolver.attribute(address, 'arn'),
      clients: new Map(),
      customScopes: [],
      groups: [],
    });
  }
  const poolOf = (address: string, config: Record<string, unknown>): UserPoolDef => {
    const poolId = str(address, config, 'user_pool_id');
    const pool = pools.get(poolId);
    if (!pool) throw new UnsupportedStackError(address, `user_pool_id ${poolId} names no aws_cognito_user_pool in the stack`);
    return pool;
  };

  for (const { address, config } of reader.all('aws_cognito_user_pool_client')) {
    const pool = poolOf(address, config);
    const clientId = id(address);
    const validity = block(resolver.resolve(config.token_validity_units)) ?? {};
    const minutes = (key: string, unitKey: string): number => {
      const amount = optionalNumber(resolver.resolve(config[key])) ?? DEFAULT_TOKEN_HOURS;
      const unit = String(validity[unitKey] ?? 'hours');
      return unit === 'seconds' ? amount / 60 : unit === 'minutes' ? amount : unit === 'days' ? amount * 1440 : amount * 60;
    };
    const client: UserPoolClientDef = {
      address,
      id: clientId,
      name: str(address, config, 'name', clientId),
      allowedOAuthScopes: strings(resolver.resolve(config.allowed_oauth_scopes)),
      explicitAuthFlows: strings(resolver.resolve(config.explicit_auth_flows)),
      idTokenValidityMinutes: minutes('id_token_validity', 'id_token'),
      accessTokenValidityMinutes: minutes('access_token_validity', 'access_token'),
    };
    pool.clients.set(clientId, client);
  }

  for (const { address, config } of reader.all('aws_cognito_resource_server')) {
    const pool = poolOf(address, config);
    const identifier = str(address, config, 'identifier');
    for (const scope of blockList(resolver.resolve(config.scope))) pool.customScopes.push(`${identifier}/${String(scope.scope_name)}`);
  }

  for (const { address, config } of reader.all('aws_cognito_user_group')) {
    const pool = poolOf(address, config);
    pool.groups.push({ name: str(address, config, 'name'), precedence: optionalNumber(resolver.resolve(config.precedence)) });
  }
  return pools;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
