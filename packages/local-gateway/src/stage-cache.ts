/**
 * The stage cache: integration responses kept for a TTL, keyed by method + resource path + the integration's cache
 * key parameters only. Like AWS, a path parameter is *not* part of the key unless it is listed
 * (`method.request.path.id`) — the classic "every /orders/{id} returns the first order" trap is reproduced on purpose.
 *
 * The cache holds at most its cluster's size (`cache_cluster_size`, 0.5 GB by default). AWS documents the sizes but
 * not how a full cache makes room; locally, expired entries go first, then the least recently used ones.
 */
import type { Clock } from './clock';
import type { HttpResult } from './proxy-result';

/** The largest response API Gateway caches (1 MiB). */
export const MAX_CACHEABLE_BYTES = 1_048_576;

/**
 * The bytes a stage's cache cluster holds: its size in GB (decimal, as AWS sells them).
 *
 * @example
 * cacheCapacityBytes(0.5); // 500_000_000
 */
export function cacheCapacityBytes(cacheClusterSizeGb: number): number {
  return Math.round(cacheClusterSizeGb * 1_000_000_000);
}

interface Entry {
  expires: number;
  result: HttpResult;
  bytes: number;
}

/**
 * @example
 * const cache = new StageCache(clock, cacheCapacityBytes(0.5));
 * cache.set(key, result, 300); cache.get(key); // result, until 300 s pass
 */
export class StageCache {
  /** In least- to most-recently used order: a Map keeps insertion order, and a hit re-inserts. */
  private readonly entries = new Map<string, Entry>();
  private used = 0;

  constructor(
    private readonly clock: Clock,
    private readonly capacityBytes: number,
  ) {}

  /** Bytes held: bodies, headers and keys. */
  get bytes(): number {
    return this.used;
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): HttpResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= this.clock.now()) {
      this.used -= entry.bytes;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.result;
  }

  set(key: string, result: HttpResult, ttlSeconds: number): void {
    if (ttlSeconds <= 0 || result.body.length > MAX_CACHEABLE_BYTES) return;
    const bytes = sizeOf(key, result);
    if (bytes > this.capacityBytes) return;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.used -= previous.bytes;
    }
    this.entries.set(key, { expires: this.clock.now() + ttlSeconds * 1000, result, bytes });
    this.used += bytes;
    if (this.used > this.capacityBytes) this.makeRoom();
  }

  /** Flushes everything (FlushStageCache). */
  flush(): void {
    this.entries.clear();
    this.used = 0;
  }

  private makeRoom(): void {
    const now = this.clock.now();
    for (const [key, entry] of this.entries) {
      if (entry.expires > now) continue;
      this.entries.delete(key);
      this.used -= entry.bytes;
    }
    for (const [key, entry] of this.entries) {
      if (this.used <= this.capacityBytes) return;
      this.entries.delete(key);
      this.used -= entry.bytes;
    }
  }
}

function sizeOf(key: string, result: HttpResult): number {
  let bytes = key.length + result.body.length;
  for (const { name, values } of result.headers.values()) for (const value of values) bytes += name.length + value.length + 4;
  return bytes;
}

/**
 * The cache key of a request.
 *
 * @example
 * cacheKey('GET', '/search', ['method.request.querystring.q'], { query: { q: 'al' }, headers: {}, path: {} });
 * // 'GET /search querystring.q=al'
 */
export function cacheKey(
  httpMethod: string,
  resourcePath: string,
  keyParameters: string[],
  sources: { query: Record<string, string>; headers: Record<string, string>; path: Record<string, string> },
): string {
  let key = `${httpMethod} ${resourcePath}`;
  for (const parameter of keyParameters) {
    const match = /^method\.request\.(querystring|header|path|multivaluequerystring|multivalueheader)\.(.+)$/.exec(parameter);
    if (!match) {
      key += ` ${parameter}=`;
      continue;
    }
    const [, where, name] = match as unknown as [string, string, string];
    let value: string | undefined;
    if (where.endsWith('querystring')) value = own(sources.query, name);
    else if (where === 'path') value = own(sources.path, name);
    else value = headerValue(sources.headers, name);
    key += ` ${where}.${name}=${value === undefined ? '' : encodeURIComponent(value)}`;
  }
  return key;
}

/** A client's map may be a plain object: read own keys only, so `constructor` is never Object's. */
function own(map: Record<string, string>, name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(map, name) ? map[name] : undefined;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const key in headers) if (key.toLowerCase() === wanted) return headers[key];
  return undefined;
}
