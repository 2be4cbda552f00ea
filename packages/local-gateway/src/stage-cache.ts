/**
 * The stage cache: integration responses kept for a TTL, keyed by method + resource path + the integration's cache
 * key parameters only. Like AWS, a path parameter is *not* part of the key unless it is listed
 * (`method.request.path.id`) — the classic "every /users/{id} returns the first user" trap is reproduced on purpose.
 */
import type { Clock } from './clock';
import type { HttpResult } from './proxy-result';

/** The largest response API Gateway caches (1 MiB). */
export const MAX_CACHEABLE_BYTES = 1_048_576;

interface Entry {
  expires: number;
  result: HttpResult;
}

/**
 * @example
 * const cache = new StageCache(clock);
 * cache.set(key, result, 300); cache.get(key); // result, until 300 s pass
 */
export class StageCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly clock: Clock) {}

  get(key: string): HttpResult | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= this.clock.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.result;
  }

  set(key: string, result: HttpResult, ttlSeconds: number): void {
    if (ttlSeconds <= 0 || result.body.length > MAX_CACHEABLE_BYTES) return;
    this.entries.set(key, { expires: this.clock.now() + ttlSeconds * 1000, result });
  }

  /** Flushes everything (FlushStageCache). */
  flush(): void {
    this.entries.clear();
  }
}

/**
 * The cache key of a request.
 *
 * @example
 * cacheKey('GET', '/search', ['method.request.querystring.q'], { query: { q: 'al' }, headers: {}, path: {} });
 * // 'GET /search q=al'
 */
export function cacheKey(
  httpMethod: string,
  resourcePath: string,
  keyParameters: string[],
  sources: { query: Record<string, string>; headers: Record<string, string>; path: Record<string, string> },
): string {
  const parts = keyParameters.map((parameter) => {
    const match = /^method\.request\.(querystring|header|path|multivaluequerystring|multivalueheader)\.(.+)$/.exec(parameter);
    if (!match) return `${parameter}=`;
    const [, where, name] = match as unknown as [string, string, string];
    let value: string | undefined;
    if (where.endsWith('querystring')) value = sources.query[name];
    else if (where === 'path') value = sources.path[name];
    else value = Object.entries(sources.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    return `${where}.${name}=${value === undefined ? '' : encodeURIComponent(value)}`;
  });
  return [httpMethod, resourcePath, ...parts].join(' ');
}
