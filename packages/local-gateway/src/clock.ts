/**
 * The gateway's notion of "now". Throttling, quotas, the stage cache and request timestamps all read it, so a test
 * can move time forward without sleeping.
 *
 * @example
 * const clock = createManualClock(Date.UTC(2026, 10, 24));
 * clock.advance(1_000); // one second later, tokens refill and cache entries age
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The wall clock. */
export const SYSTEM_CLOCK: Clock = { now: () => Date.now() };

/** A clock that only moves when told to. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
  set(epochMs: number): void;
}

/**
 * A clock for tests.
 *
 * @example
 * const clock = createManualClock();
 * const gateway = createGateway(stack, { stage: 'dev', clock });
 * clock.advance(86_400_000); // a new quota day
 */
export function createManualClock(start = Date.UTC(2026, 10, 24, 12, 0, 0)): ManualClock {
  let current = start;
  return {
    now: () => current,
    advance: (ms) => {
      current += ms;
    },
    set: (epochMs) => {
      current = epochMs;
    },
  };
}
