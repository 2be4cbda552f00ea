/**
 * Correctness only, never speed: every benchmarked bundle answers the 8-event mix with valid proxy results and the
 * statuses the report claims. The peers' known deviations are pinned here so an upgrade that changes them is noticed
 * (and the report's status table stays true).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleVariant, OUT_DIR, ROOT, VARIANTS } from '../src/bundle';
import { buildMix } from '../src/shared/events';

// What each peer answers instead of the correct status, with its defaults (see results/http.md).
const KNOWN_DEVIATIONS: Record<string, Record<string, number>> = {
  middy: { 'malformed JSON': 422 }, // http-json-body-parser: "Invalid or malformed JSON was provided"
  hono: { 'malformed JSON': 500 }, // c.req.json() throws a SyntaxError, onError answers 500
  powertools: { 'malformed JSON': 500 }, // req.json() throws, the router maps unknown errors to 500
};

const contenders = VARIANTS.filter((v) => !v.reference);
const mix = buildMix();
const TEST_DIR = join(OUT_DIR, '..', 'http-test');
const eventsFile = join(TEST_DIR, 'events.json');
const bundles = new Map<string, string>();

beforeAll(async () => {
  mkdirSync(TEST_DIR, { recursive: true });
  writeFileSync(eventsFile, JSON.stringify(mix));
  for (const v of contenders) bundles.set(v.id, join(ROOT, (await bundleVariant(v.id, TEST_DIR)).full.file));
}, 120_000);

describe.each(contenders.map((v) => [v.label, v.id] as const))('%s bundle', (_label, id) => {
  it('answers every event of the mix with a valid proxy result and the expected status', () => {
    // Arrange
    const expected = mix.map((m) => KNOWN_DEVIATIONS[id]?.[m.name] ?? m.expected);

    // Act: one pass through the same runner the benchmark uses, in a fresh node process, as Lambda would load it.
    const run = spawnSync(process.execPath, [join(ROOT, 'src', 'runners', 'warm.mjs'), bundles.get(id)!, eventsFile, '0', '1'], {
      encoding: 'utf8',
    });

    // Assert
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { statuses: number[]; valid: boolean[] };
    expect(Object.fromEntries(mix.map((m, i) => [m.name, result.statuses[i]]))).toEqual(
      Object.fromEntries(mix.map((m, i) => [m.name, expected[i]])),
    );
    expect(result.valid).toEqual(mix.map(() => true));
  });
});

describe('the event mix', () => {
  it('is built by createProxyEvent with the stage and an Origin header on every request', () => {
    // Arrange / Act
    const events = mix.map((m) => m.event as { requestContext: { stage: string }; headers: Record<string, string> });

    // Assert
    expect(mix.map((m) => m.name)).toEqual([
      'hello',
      'list users',
      'create user',
      'malformed JSON',
      'get by id',
      'search',
      'unknown route',
      'CORS preflight',
    ]);
    for (const e of events) {
      expect(e.requestContext.stage).toBe('dev');
      expect(e.headers.origin).toBe('https://app.example.com');
    }
  });
});
