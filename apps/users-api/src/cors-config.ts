/**
 * The function's CORS policy, from the environment, so each stage can allow its own front ends without a rebuild.
 */
import type { CorsOptions } from '@portico/http';

/** Environment variable with the allowed origins: a comma-separated list, `*`, or empty for no CORS at all. */
export const CORS_ORIGINS_ENV = 'CORS_ORIGINS';

/**
 * Origins allowed when `CORS_ORIGINS` is unset: the usual local front-end dev servers (Vite on 5173, and 3000) under
 * both spellings of the loopback host. Deployed stages set `CORS_ORIGINS` explicitly.
 */
export const DEFAULT_DEV_ORIGINS: readonly string[] = [
  'http://localhost:5173',
  'http://127.0.0.1:5173',
  'http://localhost:3000',
  'http://127.0.0.1:3000',
];

/** The methods this API serves, so a preflight advertises exactly those. */
const METHODS: readonly string[] = ['GET', 'HEAD', 'POST', 'DELETE'];
const EXPOSE_HEADERS: readonly string[] = ['Location'];

/**
 * CORS options from `CORS_ORIGINS`, or `undefined` to turn CORS off.
 *
 * - unset: {@link DEFAULT_DEV_ORIGINS}
 * - `""` (set but empty): no CORS headers at all
 * - `*`: any origin (no credentials)
 * - `https://app.example.com,https://*.example.com`: that allowlist (matching origin echoed, `Vary: Origin`)
 *
 * `Location` is exposed so a browser can read where `POST /users` put the new user.
 *
 * @example
 * corsFromEnv({ CORS_ORIGINS: 'https://app.example.com' });
 * // { origins: ['https://app.example.com'], methods: ['GET', 'HEAD', 'POST', 'DELETE'], exposeHeaders: ['Location'] }
 */
export function corsFromEnv(env: Record<string, string | undefined> = process.env): CorsOptions | undefined {
  const raw = env[CORS_ORIGINS_ENV];
  if (raw === undefined) return { origins: DEFAULT_DEV_ORIGINS, methods: METHODS, exposeHeaders: EXPOSE_HEADERS };
  const origins = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  if (origins.length === 0) return undefined;
  return { origins: origins.includes('*') ? '*' : origins, methods: METHODS, exposeHeaders: EXPOSE_HEADERS };
}
