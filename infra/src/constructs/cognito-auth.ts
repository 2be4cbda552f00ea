import { ApiGatewayAuthorizer } from '@cdktf/provider-aws/lib/api-gateway-authorizer';
import { CognitoResourceServer } from '@cdktf/provider-aws/lib/cognito-resource-server';
import { CognitoUserGroup } from '@cdktf/provider-aws/lib/cognito-user-group';
import { CognitoUserPool } from '@cdktf/provider-aws/lib/cognito-user-pool';
import { CognitoUserPoolClient } from '@cdktf/provider-aws/lib/cognito-user-pool-client';
import { Construct } from 'constructs';
import type { CognitoConfig } from '../api';
import type { RestApi } from './rest-api';

export interface CognitoAuthProps {
  readonly api: RestApi;
  readonly cognito: CognitoConfig;
  /** Names start with this (the stack name). */
  readonly namePrefix: string;
  /** The resource server's identifier: custom scopes are `<identifier>/<name>`. */
  readonly scopeIdentifier: string;
  /** Refuse to delete the pool (its users) with the stack. @default false */
  readonly deletionProtection?: boolean;
  /**
   * The target is an AWS emulator: leave out the resource server (moto cannot delete one, so a destroy would wait
   * forever) and the client's custom scopes with it; reported in `omitted`. @default false
   */
  readonly emulator?: boolean;
}

/**
 * Cognito for one stage of an API: a user pool (or an existing one), an app client for the API's front ends, the
 * API's resource server and custom scopes, its groups, and the `COGNITO_USER_POOLS` authorizer that checks the token
 * in `Authorization` before the function runs (an ID token, or an access token carrying the route's scopes).
 *
 * The app client signs in with SRP or a password (USER_SRP_AUTH, USER_PASSWORD_AUTH) and refreshes; it has no
 * secret, as a browser app's client cannot keep one. Custom scopes only reach access tokens through Cognito's OAuth
 * flows, so routes that need an administrator check a group (`cognito:groups`, in the function) or a scope.
 */
export class CognitoAuth extends Construct {
  readonly authorizer: ApiGatewayAuthorizer;
  readonly pool?: CognitoUserPool;
  readonly client?: CognitoUserPoolClient;
  /** The pool's ARN (created or imported). */
  readonly poolArn: string;
  /** Resource types left out for an emulator target. */
  readonly omitted: string[] = [];

  constructor(scope: Construct, id: string, props: CognitoAuthProps) {
    super(scope, id);
    const { cognito, api, namePrefix } = props;
    if (cognito.pool) {
      this.poolArn = cognito.pool.arn;
    } else {
      this.pool = new CognitoUserPool(this, 'UserPool', {
        name: `${namePrefix}-users`,
        autoVerifiedAttributes: ['email'],
        passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: false },
        accountRecoverySetting: { recoveryMechanism: [{ name: 'verified_email', priority: 1 }] },
        deletionProtection: props.deletionProtection ? 'ACTIVE' : 'INACTIVE',
      });
      this.poolArn = this.pool.arn;
      const scopes = Object.entries(cognito.scopes ?? {});
      if (scopes.length > 0 && props.emulator) this.omitted.push('aws_cognito_resource_server');
      const server =
        scopes.length > 0 && !props.emulator
          ? new CognitoResourceServer(this, 'ResourceServer', {
              userPoolId: this.pool.id,
              identifier: props.scopeIdentifier,
              name: namePrefix,
              scope: scopes.map(([scopeName, scopeDescription]) => ({ scopeName, scopeDescription })),
            })
          : undefined;
      this.client = new CognitoUserPoolClient(this, 'AppClient', {
        name: `${namePrefix}-app`,
        userPoolId: this.pool.id,
        generateSecret: false,
        explicitAuthFlows: ['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
        preventUserExistenceErrors: 'ENABLED',
        ...(server ? { allowedOauthScopes: scopes.map(([name]) => `${props.scopeIdentifier}/${name}`), dependsOn: [server] } : {}),
      });
      for (const group of cognito.groups ?? []) {
        new CognitoUserGroup(this, `Group${group.replace(/[^A-Za-z0-9]/g, '')}`, { name: group, userPoolId: this.pool.id });
      }
    }
    this.authorizer = api.define(
      new ApiGatewayAuthorizer(this, 'Authorizer', {
        restApiId: api.id,
        name: 'cognito',
        type: 'COGNITO_USER_POOLS',
        providerArns: [this.poolArn],
        identitySource: 'method.request.header.Authorization',
      }),
    );
  }
}
