/**
 * A Cognito user pool without AWS: one per `aws_cognito_user_pool` of the stack. It keeps an RS256 key pair (made at
 * start, or kept under a directory so tokens survive a restart), signs ID and access tokens for local users with the
 * claims Cognito puts in them, serves its JWKS, and checks tokens for the COGNITO_USER_POOLS authorizer. JWT work is
 * `jose`'s; nothing here does cryptography by hand.
 *
 * Claims (Cognito developer guide, `amazon-cognito-user-pools-using-the-id-token.html` and
 * `amazon-cognito-user-pools-using-the-access-token.html`):
 * - ID token: `sub`, `cognito:groups`, `email_verified`, `iss`, `cognito:username`, `origin_jti`, `aud` (the app
 *   client), `event_id`, `token_use: "id"`, `auth_time`, `exp`, `iat`, `jti`, `email`, and the user's attributes;
 * - access token: `sub`, `cognito:groups`, `iss`, `client_id`, `origin_jti`, `event_id`, `token_use: "access"`,
 *   `scope`, `auth_time`, `exp`, `iat`, `jti`, `username`.
 *
 * The issuer is the one AWS would write, `https://cognito-idp.{region}.amazonaws.com/{poolId}`, so code that checks
 * `iss` works unchanged; the keys are local, so a local token never verifies against AWS and an AWS token never
 * verifies here (its `kid` is not in the local JWKS).
 */
import { createHash, createPrivateKey, generateKeyPairSync, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, jwtVerify, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { Clock } from '../clock';
import type { UserPoolClientDef, UserPoolDef } from '../terraform-stack';

/** A user of the local pools, as `--users <file.json>` or the `users` option lists them. */
export interface LocalUser {
  username: string;
  password: string;
  email?: string;
  /** Cognito groups the user is in (`cognito:groups`). */
  groups?: string[];
  /** More attributes for the ID token (`given_name`, `custom:tenant`…). */
  attributes?: Record<string, string>;
  /** The pool (by name or id) the user belongs to; every pool of the stack when left out. */
  pool?: string;
}

export interface IssueOptions {
  /** The app client the tokens are for; the pool's first client when left out. */
  clientId?: string;
  /**
   * The access token's scopes. Cognito's sign-in API grants `aws.cognito.signin.user.admin`; OAuth scopes (`openid`,
   * `<resource server>/<scope>`) must be in the client's `allowed_oauth_scopes`, as Cognito's token endpoint checks.
   */
  scopes?: string[];
}

export interface IssuedTokens {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds the access token lasts. */
  expiresIn: number;
}

/** A sign-in Cognito refuses: the `__type` and message its API answers with (HTTP 400). */
export class CognitoError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'CognitoError';
  }
}

const SIGN_IN_SCOPE = 'aws.cognito.signin.user.admin';

export interface LocalUserPoolOptions {
  region: string;
  clock: Clock;
  users?: readonly LocalUser[];
  /** Where to keep the signing key (`<poolId>.jwk.json`); without it a new key is made on every start. */
  keysDir?: string;
}

/**
 * @example
 * const pool = LocalUserPool.create(stack.userPools.get(poolId)!, { region: 'eu-west-1', clock, users });
 * const { idToken, accessToken } = await pool.issueTokens('alice');
 * await pool.verify(idToken); // the claims, or throws
 */
export class LocalUserPool {
  readonly issuer: string;
  private readonly users = new Map<string, LocalUser>();
  private readonly refreshTokens = new Map<string, { username: string; clientId: string }>();
  private readonly keySet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    readonly def: UserPoolDef,
    private readonly options: LocalUserPoolOptions,
    private readonly privateKey: KeyObject,
    private readonly publicJwk: JWK,
  ) {
    this.issuer = `https://cognito-idp.${options.region}.amazonaws.com/${def.id}`;
    this.keySet = createLocalJWKSet({ keys: [publicJwk] });
    for (const user of options.users ?? []) {
      if (user.pool === undefined || user.pool === def.id || user.pool === def.name) this.users.set(user.username, user);
    }
  }

  /** Loads the pool's key from `keysDir`, or makes one (RSA 2048, node:crypto) and keeps it there. */
  static create(def: UserPoolDef, options: LocalUserPoolOptions): LocalUserPool {
    const file = options.keysDir === undefined ? undefined : join(options.keysDir, `${def.id}.jwk.json`);
    let privateKey: KeyObject;
    if (file && existsSync(file)) {
      privateKey = createPrivateKey({ key: JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey, format: 'jwk' });
    } else {
      privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
      if (file) {
        mkdirSync(options.keysDir!, { recursive: true });
        writeFileSync(file, JSON.stringify(privateKey.export({ format: 'jwk' })), { mode: 0o600 });
      }
    }
    const { n, e } = privateKey.export({ format: 'jwk' });
    // Cognito's key ids are base64 strings; a hash of the public key keeps a kept key's id.
    const kid = createHash('sha256').update(`${n}.${e}`).digest('base64');
    const publicJwk: JWK = { alg: 'RS256', e, kid, kty: 'RSA', n, use: 'sig' };
    return new LocalUserPool(def, options, privateKey, publicJwk);
  }

  get id(): string {
    return this.def.id;
  }

  /** The local users of this pool. */
  get usernames(): string[] {
    return [...this.users.keys()];
  }

  /** The pool's public keys, as `/<poolId>/.well-known/jwks.json` serves them. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** OpenID configuration: the pool's issuer and where its keys are (`baseUrl`: the local Cognito endpoint). */
  openIdConfiguration(baseUrl: string): Record<string, unknown> {
    return {
      issuer: this.issuer,
      jwks_uri: `${baseUrl}/${this.def.id}/.well-known/jwks.json`,
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'token'],
      scopes_supported: ['openid', 'email', 'phone', 'profile'],
      subject_types_supported: ['public'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    };
  }

  /**
   * Tokens for a local user, without a password: what `pnpm dev` prints for each seeded user.
   *
   * @example
   * const { idToken } = await pool.issueTokens('alice', { clientId });
   */
  async issueTokens(username: string, options: IssueOptions = {}): Promise<IssuedTokens> {
    const user = this.users.get(username);
    if (!user) throw new CognitoError('UserNotFoundException', 'User does not exist.');
    const client = this.client(options.clientId);
    const scopes = options.scopes ?? [SIGN_IN_SCOPE];
    for (const scope of scopes) {
      if (scope !== SIGN_IN_SCOPE && !client.allowedOAuthScopes.includes(scope)) {
        throw new CognitoError('InvalidParameterException', `scope ${scope} is not allowed for app client ${client.id} (allowed_oauth_scopes: ${client.allowedOAuthScopes.join(' ') || 'none'})`);
      }
    }
    return this.sign(user, client, scopes);
  }

  /**
   * Cognito's `InitiateAuth` with `USER_PASSWORD_AUTH`: the client must allow the flow in `explicit_auth_flows`.
   *
   * @example
   * await pool.signIn(clientId, 'alice', 'correct horse'); // IssuedTokens, or throws CognitoError
   */
  async signIn(clientId: string, username: string, password: string): Promise<IssuedTokens> {
    const client = this.client(clientId);
    if (!client.explicitAuthFlows.some((flow) => flow === 'ALLOW_USER_PASSWORD_AUTH' || flow === 'USER_PASSWORD_AUTH')) {
      throw new CognitoError('InvalidParameterException', 'USER_PASSWORD_AUTH flow not enabled for this client');
    }
    const user = this.users.get(username);
    // New pools hide whether a user exists (PreventUserExistenceErrors): one answer for both.
    if (!user || user.password !== password) throw new CognitoError('NotAuthorizedException', 'Incorrect username or password.');
    return this.sign(user, client, [SIGN_IN_SCOPE]);
  }

  /** `InitiateAuth` with `REFRESH_TOKEN_AUTH`: new ID and access tokens (no new refresh token), as Cognito gives. */
  async refresh(clientId: string, refreshToken: string): Promise<Omit<IssuedTokens, 'refreshToken'>> {
    const session = this.refreshTokens.get(refreshToken);
    const user = session && this.users.get(session.username);
    if (!session || !user || session.clientId !== clientId) throw new CognitoError('NotAuthorizedException', 'Invalid Refresh Token');
    const { refreshToken: _unused, ...tokens } = await this.sign(user, this.client(clientId), [SIGN_IN_SCOPE], refreshToken);
    return tokens;
  }

  /**
   * Checks a token's signature (RS256, this pool's key), issuer and expiry on the gateway's clock; returns its claims.
   * Throws (jose's errors) for a token this pool did not sign or that has expired.
   */
  async verify(token: string): Promise<JWTPayload> {
    const { payload } = await jwtVerify(token, this.keySet, {
      issuer: this.issuer,
      algorithms: ['RS256'],
      currentDate: new Date(this.options.clock.now()),
    });
    return payload;
  }

  private client(clientId: string | undefined): UserPoolClientDef {
    const client = clientId === undefined ? this.def.clients.values().next().value : this.def.clients.get(clientId);
    if (!client) {
      throw new CognitoError('ResourceNotFoundException', clientId === undefined ? `User pool ${this.def.id} has no app client` : `User pool client ${clientId} does not exist.`);
    }
    return client;
  }

  private async sign(user: LocalUser, client: UserPoolClientDef, scopes: string[], refreshToken?: string): Promise<IssuedTokens> {
    const now = Math.floor(this.options.clock.now() / 1000);
    const sub = subjectOf(this.def.id, user.username);
    const originJti = randomUUID();
    const eventId = randomUUID();
    const groups = user.groups && user.groups.length > 0 ? { 'cognito:groups': user.groups } : {};
    const header = { alg: 'RS256', kid: this.publicJwk.kid! };
    const idToken = await new SignJWT({
      sub,
      ...groups,
      ...(user.email === undefined ? {} : { email_verified: true }),
      'cognito:username': user.username,
      origin_jti: originJti,
      aud: client.id,
      event_id: eventId,
      token_use: 'id',
      auth_time: now,
      ...(user.email === undefined ? {} : { email: user.email }),
      ...user.attributes,
    })
      .setProtectedHeader(header)
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + Math.round(client.idTokenValidityMinutes * 60))
      .setJti(randomUUID())
      .sign(this.privateKey);
    const accessSeconds = Math.round(client.accessTokenValidityMinutes * 60);
    const accessToken = await new SignJWT({
      sub,
      ...groups,
      client_id: client.id,
      origin_jti: originJti,
      event_id: eventId,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: now,
      username: user.username,
    })
      .setProtectedHeader(header)
      .setIssuer(this.issuer)
      .setIssuedAt(now)
      .setExpirationTime(now + accessSeconds)
      .setJti(randomUUID())
      .sign(this.privateKey);
    const refresh = refreshToken ?? randomUUID().replaceAll('-', '') + randomUUID().replaceAll('-', '');
    this.refreshTokens.set(refresh, { username: user.username, clientId: client.id });
    return { idToken, accessToken, refreshToken: refresh, expiresIn: accessSeconds };
  }
}

/** A user's `sub`: a UUID, the same on every start for the same pool and username. */
function subjectOf(poolId: string, username: string): string {
  const hex = createHash('sha256').update(`${poolId}/${username}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
