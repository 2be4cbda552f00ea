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
  /** Headers for an actual response to `origin`; no `access-control-*` ones when the origin is not allowed. */
  headersFor(origin: string | undefined): Record<string, string>;
  /** Headers for a preflight answer to `origin`; no `access-control-*` ones when the origin is not allowed. */
  preflightFor(origin: string | undefined): Record<string, string>;
}

type Answers = { simple: Record<string, string>; preflight: Record<string, string> };

/** How many client-chosen origins (case variants, pattern matches, refused ones) keep a cached answer. */
const RECENT_ORIGINS = 64;

/**
 * Builds a CORS policy. Throws at configuration time for combinations browsers would reject.
 *
 * @example
 * const cors = createCors({ origins: ['https://app.example.com'], credentials: true });
 * cors.headersFor('https://app.example.com');
 * // { 'access-control-allow-credentials': 'true', vary: 'Origin', 'access-control-allow-origin': 'https://app.example.com' }
 */
export function createCors(options: CorsOptions): Cors {
  const { origins, credentials, exposeHeaders } = options;
  const any = origins === '*' || origins.includes('*');
  if (any && credentials) {
    throw new TypeError('CORS: credentials cannot be combined with origins "*" (browsers reject it): list the allowed origins instead');
  }
  // Exact origins in a set; patterns (a `*` stands for one or more DNS labels) in one expression, built only when
  // there are some: a regular expression costs tens of microseconds to compile on its first use, at cold start.
  // Plain loops: every callback would be one more function for V8 to compile at start-up.
  const list = any ? [] : (origins as readonly string[]);
  const exact = new Set<string>();
  const patterns: string[] = [];
  for (const origin of list) {
    if (origin.includes('*')) patterns.push(origin);
    else exact.add(origin.toLowerCase());
  }
  const wildcard = patterns.length > 0 && patternExpression(patterns);
  const allowed = (origin: string) => exact.has(origin.toLowerCase()) || (wildcard && wildcard.test(origin));

  const base: Record<string, string> = {};
  if (credentials) base['access-control-allow-credentials'] = 'true';
  // With an allowlist the answer depends on Origin, so caches must key on it.
  if (!any) base.vary = 'Origin';
  const preflightBase = {
    ...base,
    'access-control-allow-methods': (options.methods ?? ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']).join(', '),
    'access-control-allow-headers': (options.allowHeaders ?? ['Content-Type', 'Authorization', 'X-Api-Key']).join(', '),
    'access-control-max-age': String(options.maxAge ?? 600),
  };
  if (exposeHeaders?.length) base['access-control-expose-headers'] = exposeHeaders.join(', ');

  // A disallowed origin still gets Vary, so a shared cache does not serve it an allowed origin's answer.
  const refused: Answers = { simple: { vary: 'Origin' }, preflight: { vary: 'Origin' } };
  const none: Answers = { simple: {}, preflight: {} };
  const answer = (origin: string): Answers => {
    const allow = { 'access-control-allow-origin': origin };
    return { simple: { ...base, ...allow }, preflight: { ...preflightBase, ...allow } };
  };
  // The answers a client cannot multiply: one per configured origin, as configured and as browsers spell it,
  // built here once. Anything else the client chooses (a case variant, one of the endless subdomains a pattern
  // matches, a foreign origin) is answered from a small cache that forgets its oldest entry when full, so a warm
  // function's memory stays flat whatever origins it is sent.
  const fixed = new Map<string, Answers>();
  if (any) fixed.set('*', answer('*'));
  for (const origin of list) {
    if (origin.includes('*')) continue;
    fixed.set(origin, answer(origin));
    // Browsers serialise an origin in lower case, whatever the configuration's spelling.
    fixed.set(origin.toLowerCase(), answer(origin.toLowerCase()));
  }
  const recent = new Map<string, Answers>();
  const lookup = (origin: string | undefined): Answers => {
    if (any) return fixed.get('*')!;
    if (origin === undefined) return none;
    let entry = fixed.get(origin) ?? recent.get(origin);
    if (!entry) {
      // The spec has the browser compare Access-Control-Allow-Origin with its Origin byte for byte: echo it as sent.
      entry = allowed(origin) ? answer(origin) : refused;
      if (recent.size >= RECENT_ORIGINS) recent.delete(recent.keys().next().value!);
      recent.set(origin, entry);
    }
    return entry;
  };
  return { headersFor: (origin) => lookup(origin).simple, preflightFor: (origin) => lookup(origin).preflight };
}

/** One case-insensitive expression for every `*` pattern, where `*` stands for one or more DNS labels. */
function patternExpression(patterns: readonly string[]): RegExp {
  const escape = (part: string) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  const alternatives = patterns.map((origin) => origin.split('*').map(escape).join('[a-z0-9-]+(?:\\.[a-z0-9-]+)*'));
  return new RegExp(`^(?:${alternatives.join('|')})$`, 'i');
}

/**
 * Adds CORS headers (`extra`, lower-case names) to a response's `headers` where no header of that name, in any
 * case, is set (the handler's own win); an extra `vary` is merged into an existing Vary instead. `lowerCase` says
 * every name in `headers` is lower case already, which spares a scan per name. Mutates and returns `headers`.
 *
 * @example
 * addCorsHeaders({ Vary: 'Accept' }, { vary: 'Origin' }); // { Vary: 'Accept, Origin' }
 */
export function addCorsHeaders(headers: Record<string, string>, extra: Readonly<Record<string, string>>, lowerCase = false): Record<string, string> {
  for (const name in extra) {
    const value = extra[name]!;
    const own = lowerCase ? (headers[name] === undefined ? undefined : name) : nameIn(headers, name);
    if (own === undefined) headers[name] = value;
    else if (name === 'vary' && !listHas(headers[own]!, value)) headers[own] += `, ${value}`;
  }
  return headers;
}

/** Whether a comma-separated header value lists `item` (case-insensitive). */
function listHas(list: string, item: string): boolean {
  const wanted = item.toLowerCase();
  return list.split(',').some((part) => part.trim().toLowerCase() === wanted);
}

/** The key of `headers` that spells `name` (lower case) in any case, if any. Plain loop: it runs per response. */
function nameIn(headers: Record<string, string>, name: string): string | undefined {
  if (name in headers) return name;
  for (const key in headers) if (key.length === name.length && key.toLowerCase() === name) return key;
  return undefined;
}
