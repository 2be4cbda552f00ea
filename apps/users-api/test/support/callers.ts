/**
 * The callers the users API knows, as API Gateway hands them to the function (`createProxyEvent`'s `auth`): the
 * same people as `pnpm dev`'s users in portico.config.ts, and a service signing with SigV4.
 */
import type { EventAuth } from '@portico/http/testing';

/** A signed-in user in no group: may create users, not delete them. */
export const BOB = { cognito: { sub: '5b0e1f6a-2c3d-4e5f-8a9b-0c1d2e3f4a5b', username: 'bob', claims: { email: 'bob@example.com' } } } satisfies EventAuth;

/** A signed-in user in the `admin` group: may delete users too. */
export const ALICE = {
  cognito: { sub: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d', username: 'alice', groups: ['admin'], claims: { email: 'alice@example.com' } },
} satisfies EventAuth;

/** Another service, signing its requests with its role's credentials. */
export const REPORTS_SERVICE = {
  iam: { userArn: 'arn:aws:sts::123456789012:assumed-role/users-api-dev-caller/reports', caller: 'AROAEXAMPLEREPORTS01:reports' },
} satisfies EventAuth;
