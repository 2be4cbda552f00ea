/**
 * Correctness only, never speed: every benchmarked bundle answers both harnesses' event mixes with valid proxy
 * results and the statuses the report claims. The peers' known deviations are pinned here so an upgrade that changes
 * them is noticed (and the report's status tables stay true).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleVariant, OUT_DIR, ROOT, VARIANTS } from '../src/bundle';
import { buildMix, HARNESSES, type HarnessId } from '../src/shared/events';

// What each peer answers instead of the correct status, with its defaults (see results/http.md).
const KNOWN_DEVIATIONS: Record<HarnessId, Record<string, Record<string, number>>> = {
  users: {
    // http-json-body-parser: "Invalid or malformed JSON was provided", as 422 in Middy 7 and as 415 in Middy 6
    middy7: { 'malformed JSON': 422 },
    middy6: { 'malformed JSON': 415 },
    // c.req.json() / req.json() throw a SyntaxError, which both map to 500
    hono: { 'malformed JSON': 500 },
    powertools: { 'malformed JSON': 500 },
  },
  orders: {
    // None of the peers answers 405: a path without the method is a 404 (Middy: "Route does not exist")
    middy7: { 'PUT, not allowed': 404 },
    middy6: { 'PUT, not allowed': 404 },
    // ...and c.req.json() / req.json() throw on a text/plain body that is not JSON, answered 500
    hono: { 'PUT, not allowed': 404, 'create order, text/plain': 500 },
    powertools: { 'PUT, not allowed': 404, 'create order, text/plain': 500 },
  },
};

const contenders = VARIANTS.filter((v) => !v.reference);
const TEST_DIR = join(OUT_DIR, '..', 'http-test');

describe.each(HARNESSES.map((h) => [h.id] as const))('the %s harness', (harness) => {
  const mix = buildMix(harness);
  const eventsFile = join(TEST_DIR, `${harness}-events.json`);
  const bundles = new Map<string, string>();

  beforeAll(async () => {
    mkdirSync(TEST_DIR, { recursive: true });
    writeFileSync(eventsFile, JSON.stringify(mix));
    for (const v of contenders) bundles.set(v.id, join(ROOT, (await bundleVariant(harness, v.id, TEST_DIR)).full.file));
  }, 180_000);

  it.each(contenders.map((v) => [v.label, v.id] as const))('%s answers every event with a valid proxy result and the expected status', (_label, id) => {
    // Arrange
    const expected = mix.map((m) => KNOWN_DEVIATIONS[harness][id]?.[m.name] ?? m.expected);

    // Act: one pass through the same runner the benchmark uses, in a fresh node process, as Lambda would load it.
    const run = spawnSync(process.execPath, [join(ROOT, 'src', 'runners', 'warm.mjs'), bundles.get(id)!, eventsFile, '0', '1'], { encoding: 'utf8' });

    // Assert
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { statuses: number[]; valid: boolean[] };
    expect(Object.fromEntries(mix.map((m, i) => [m.name, result.statuses[i]]))).toEqual(Object.fromEntries(mix.map((m, i) => [m.name, expected[i]])));
    expect(result.valid).toEqual(mix.map(() => true));
  });

  it('is built by createProxyEvent with the stage, and most requests come from an allowed browser origin', () => {
    // Arrange
    const events = mix.map((m) => m.event as { requestContext: { stage: string }; headers: Record<string, string> });
    const origin = (e: (typeof events)[number]) => Object.entries(e.headers).find(([k]) => k.toLowerCase() === 'origin')?.[1];
    const allowed = harness === 'users' ? ['https://app.example.com'] : ['https://shop.example.com', 'https://admin.example.com'];

    // Act
    const fromAllowed = events.filter((e) => allowed.includes(origin(e) ?? '')).length;

    // Assert
    for (const e of events) expect(e.requestContext.stage).toBe('dev');
    expect(fromAllowed / events.length).toBeGreaterThan(0.7);
    expect(mix.map((m) => m.expected)).toEqual(expect.arrayContaining([200, 204, 400, 404]));
  });
});
