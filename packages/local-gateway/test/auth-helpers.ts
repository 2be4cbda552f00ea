import type { GatewayOptions } from '../src/index';
import { AUTH_FUNCTIONS, writeAuthStack } from './fixtures/auth-stack';
import { startGatewayOn, type Harness } from './helpers';

export type AuthHarness = Harness;

/** The gateway on the authorizers' stack, on loopback, with a manual clock and captured logs. */
export function startAuthGateway(options: Partial<GatewayOptions> = {}, mutate?: Parameters<typeof writeAuthStack>[0]): Promise<AuthHarness> {
  return startGatewayOn(writeAuthStack(mutate), AUTH_FUNCTIONS, { concurrency: 2, ...options });
}
