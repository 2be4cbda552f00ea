/**
 * Token buckets and quota windows, on the gateway's clock. API Gateway throttles with a token bucket (burst = bucket
 * size, rate = refill per second) at stage/method level and per API key via usage plans, and counts quota per
 * calendar period in UTC. Hand-written: this is behaviour to emulate, not a generic rate limiter.
 */
import type { Clock } from './clock';
import type { QuotaDef, ThrottleDef } from './terraform-stack';

/**
 * A token bucket that starts full.
 *
 * @example
 * const bucket = new TokenBucket({ burstLimit: 2, rateLimit: 1 }, clock);
 * bucket.take(); bucket.take(); bucket.take(); // true, true, false until a second passes
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly capacity: number;
  private readonly rate: number;

  constructor(limits: ThrottleDef, private readonly clock: Clock) {
    // A rate without a burst still lets one request through at a time, as AWS does with burst 0 → rate-only limits.
    this.rate = limits.rateLimit ?? Number.POSITIVE_INFINITY;
    // -1 is how method settings say "not set".
    const burst = limits.burstLimit !== undefined && limits.burstLimit >= 0 ? limits.burstLimit : undefined;
    this.capacity = Math.max(1, burst ?? Math.ceil(this.rate === Number.POSITIVE_INFINITY ? 1 : this.rate));
    this.tokens = this.capacity;
    this.last = clock.now();
  }

  take(): boolean {
    if (this.rate === Number.POSITIVE_INFINITY) return true;
    const now = this.clock.now();
    const elapsed = Math.max(0, now - this.last) / 1000;
    this.last = now;
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.rate);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/**
 * Start of the quota period containing `now` (UTC). WEEK offset 0 is Sunday, MONTH offset 0 the 1st.
 *
 * @example
 * quotaPeriodStart(Date.UTC(2026, 10, 24, 17), { period: 'DAY', offset: 0, limit: 1 }); // Date.UTC(2026, 10, 24)
 */
export function quotaPeriodStart(now: number, quota: QuotaDef): number {
  const d = new Date(now);
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
  if (quota.period === 'DAY') return day;
  if (quota.period === 'WEEK') {
    const back = (d.getUTCDay() - quota.offset + 7) % 7;
    return day - back * 86_400_000;
  }
  const offsetDay = quota.offset + 1;
  let start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), offsetDay);
  if (start > now) start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, offsetDay);
  return start;
}

/** Counts requests per quota period. */
export class QuotaCounter {
  private periodStart = -1;
  private used = 0;

  constructor(private readonly quota: QuotaDef, private readonly clock: Clock) {}

  /** Spends one request; false when the period's limit is already used. */
  take(): boolean {
    const start = quotaPeriodStart(this.clock.now(), this.quota);
    if (start !== this.periodStart) {
      this.periodStart = start;
      this.used = 0;
    }
    if (this.used >= this.quota.limit) return false;
    this.used += 1;
    return true;
  }

  get remaining(): number {
    return Math.max(0, this.quota.limit - this.used);
  }
}
