import { DEFAULT_DEV_ORIGINS, corsFromEnv } from '../src/cors-config';

describe('corsFromEnv', () => {
  it('allows the local dev origins when CORS_ORIGINS is unset', () => {
    expect(corsFromEnv({})).toMatchObject({ origins: DEFAULT_DEV_ORIGINS, exposeHeaders: ['Location'] });
  });

  it('reads a comma-separated allowlist, ignoring blanks and spaces', () => {
    const options = corsFromEnv({ CORS_ORIGINS: ' https://app.example.com, ,https://*.example.org ' });

    expect(options?.origins).toEqual(['https://app.example.com', 'https://*.example.org']);
  });

  it('allows any origin for *', () => {
    expect(corsFromEnv({ CORS_ORIGINS: '*' })?.origins).toBe('*');
  });

  it('turns CORS off when CORS_ORIGINS is set but empty', () => {
    expect(corsFromEnv({ CORS_ORIGINS: '' })).toBeUndefined();
  });
});
