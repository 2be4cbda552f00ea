/**
 * CORS in the function: an origin allowlist, preflight answers, and headers on every response (errors included).
 * All option merging and header strings are computed once, in {@link createCors}; per request it is one lookup.
 */

/** CORS options for `createApp({ cors })`. */
export interface CorsOptions {
  /**
   * Allowed origins: exact strings (`https://app.example.com`), patterns with `*` for one or more DNS labels
   * (`https://*.example.com`), or `'*'` for any origin (not with `credentials`).
   */
  origins: readonly string[] | '*';
  /** @default ['GET','HEAD','PUT','PATCH','POST','DELETE'] */
  methods?: readonly string[];
  /** Request headers the browser may send. @default ['Content-Type','Authorization','X-Api-Key'] */
  allowHeaders?: readonly string[];
  /** Response headers the browser may read. @default [] */
  exposeHeaders?: readonly string[];
  /** Preflight cache time in seconds. @default 600 */
  maxAge?: number;
  /** Send `Access-Control-Allow-Credentials: true`. @default false */
  credentials?: boolean;
}

/** The precomputed CORS policy an app uses per request. */
export interface Cors {
  /** Headers for an actual response to `origin`; empty when the origin is not allowed. */
  headersFor(origin: string | undefined): Record<string, string>;
  /** Headers for a preflight answer to `origin`; empty when the origin is not allowed. */
  preflightFor(origin: string | undefined): Record<string, string>;
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
const DEFAULT_HEADERS = ['Content-Type', 'Authorization', 'X-Api-Key'];
const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * Builds a CORS policy. Throws at configuration time for combinations browsers would reject.
 *
 * @example
 * const cors = createCors({ origins: ['https://app.example.com'], credentials: true });
 * cors.headersFor('https://app.example.com');
 * // { 'access-control-allow-origin': 'https://app.example.com', 'access-control-allow-credentials': 'true', vary: 'Origin' }
 */
export function createCors(options: CorsOptions): Cors {
  const any = options.origins === '*' || options.origins.includes('*');
  if (any && options.credentials) {
    throw new TypeError(
      'CORS: credentials cannot be combined with origins "*" (browsers reject it): list the allowed origins instead',
    );
  }
  const exact = new Set(any ? [] : (options.origins as readonly string[]).filter((o) => !o.includes('*')));
  const patterns = any
    ? []
    : (options.origins as readonly string[]).filter((o) => o.includes('*')).map(compileOriginPattern);

  const base: Record<string, string> = {};
  if (options.credentials) base['access-control-allow-credentials'] = 'true';
  if (options.exposeHeaders?.length) base['access-control-expose-headers'] = options.exposeHeaders.join(', ');
  // With an allowlist the answer depends on Origin, so caches must key on it.
  if (!any) base.vary = 'Origin';

  const preflightBase: Record<string, string> = {
    ...base,
    'access-control-allow-methods': (options.methods ?? DEFAULT_METHODS).join(', '),
    'access-control-allow-headers': (options.allowHeaders ?? DEFAULT_HEADERS).join(', '),
    'access-control-max-age': String(options.maxAge ?? 600),
  };
  delete preflightBase['access-control-expose-headers'];

  if (any) {
    const simple = { ...base, 'access-control-allow-origin': '*' };
    const preflight = { ...preflightBase, 'access-control-allow-origin': '*' };
    return { headersFor: () => simple, preflightFor: () => preflight };
  }

  const cache = new Map<string, { simple: Record<string, string>; preflight: Record<string, string> }>();
  const lookup = (origin: string | undefined) => {
    if (origin === undefined) return undefined;
    let entry = cache.get(origin);
    if (entry === undefined) {
      if (!exact.has(origin) && !patterns.some((pattern) => pattern.test(origin))) return undefined;
      entry = {
        simple: { ...base, 'access-control-allow-origin': origin },
        preflight: { ...preflightBase, 'access-control-allow-origin': origin },
      };
      // Only allowed origins are cached, so an attacker cannot grow the map.
      cache.set(origin, entry);
    }
    return entry;
  };
  // A disallowed origin still needs Vary so a shared cache does not serve it an allowed origin's answer.
  const varyOnly: Record<string, string> = { vary: 'Origin' };
  return {
    headersFor: (origin) => lookup(origin)?.simple ?? (origin === undefined ? NONE : varyOnly),
    preflightFor: (origin) => lookup(origin)?.preflight ?? (origin === undefined ? NONE : varyOnly),
  };
}

function compileOriginPattern(pattern: string): RegExp {
  const escaped = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*');
  return new RegExp(`^${escaped}$`, 'i');
}
