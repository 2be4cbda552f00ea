import { smokeProbes, smokeStacks, smokeTest } from '../src/smoke-test';
import { startFakeStage, type FakeStage } from './support/fake-stage';

const fast = { delayMs: 10, maxDelayMs: 20, timeoutMs: 2_000 };

const stages: FakeStage[] = [];
afterEach(async () => {
  for (const stage of stages.splice(0)) await stage.close();
});
async function stage(options: Parameters<typeof startFakeStage>[0]) {
  const started = await startFakeStage(options);
  stages.push(started);
  return started;
}

describe('smokeTest: an API\'s declared checks against its stage on loopback', () => {
  const checks = smokeProbes([{ path: '/hello', contains: 'Hello' }, { path: '/items?limit=1', contains: '"items"' }]);

  it('passes when each path answers 200 with its text, sending the query as declared', async () => {
    // Arrange
    const s = await stage({ routes: { '/hello': { body: { message: 'Hello, World!' } }, '/items': { body: { items: [] } } } });

    // Act
    const results = await smokeTest(s.invokeUrl, checks, fast);

    // Assert
    expect(results.map((r) => [r.name, r.ok, r.status, r.attempts])).toEqual([
      ['GET /hello', true, 200, 1],
      ['GET /items?limit=1', true, 200, 1],
    ]);
    expect(s.hits).toEqual(['GET /dev/hello', 'GET /dev/items?limit=1']);
  });

  it('keeps the stage path of the invoke URL, with or without a trailing slash', async () => {
    const s = await stage({ stage: 'prod', routes: { '/hello': { body: 'Hello' }, '/items': { body: { items: [] } } } });

    const results = await smokeTest(`${s.invokeUrl}/`, checks, fast);

    expect(results.every((r) => r.ok)).toBe(true);
    expect(s.hits).toEqual(['GET /prod/hello', 'GET /prod/items?limit=1']);
  });

  it('retries while a fresh deployment answers 502, then passes', async () => {
    const s = await stage({ routes: { '/hello': { body: 'Hello' }, '/items': { body: { items: [] } } }, failFirst: { '/hello': 2, '/items': 1 } });
    const lines: string[] = [];

    const results = await smokeTest(s.invokeUrl, checks, { ...fast, log: (l) => lines.push(l) });

    expect(results.map((r) => [r.name, r.ok, r.attempts])).toEqual([
      ['GET /hello', true, 3],
      ['GET /items?limit=1', true, 2],
    ]);
    expect(lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(3);
  });

  it('fails after its attempts when a path stays wrong, with the status and body', async () => {
    const s = await stage({ routes: { '/hello': { body: 'Hello' } } });

    const results = await smokeTest(s.invokeUrl, checks, { ...fast, attempts: 3 });

    expect(results[0]).toMatchObject({ ok: true });
    expect(results[1]).toMatchObject({ ok: false, attempts: 3, status: 403 });
    expect(results[1]!.reason).toBe('expected 200, got 403 "{\\"message\\":\\"Missing Authentication Token\\"}"');
  });

  it('fails when the body lacks the declared text', async () => {
    const s = await stage({ routes: { '/hello': { body: { message: 'Hello from the old build' } }, '/items': { body: [] } } });

    const [hello, items] = await smokeTest(s.invokeUrl, smokeProbes([{ path: '/hello', contains: 'Hello, World!' }, { path: '/items', contains: '"items"' }]), { ...fast, attempts: 1 });

    expect(hello).toMatchObject({ ok: false });
    expect(hello!.reason).toBe('expected the body to contain "Hello, World!", got "{\\"message\\":\\"Hello from the old build\\"}"');
    expect(items).toMatchObject({ ok: false, status: 200, reason: 'expected the body to contain "\\"items\\"", got "[]"' });
  });

  it('checks a declared status other than 200', async () => {
    const s = await stage({ routes: { '/admin': { status: 401, body: { message: 'Unauthorized' } } } });

    const [admin, missing] = await smokeTest(s.invokeUrl, smokeProbes([{ path: '/admin', status: 401 }, { path: '/gone', status: 401 }]), { ...fast, attempts: 1 });

    expect(admin).toMatchObject({ ok: true, status: 401 });
    expect(missing).toMatchObject({ ok: false, status: 403 });
  });

  it('without declared checks, passes a stage that answers at all and fails one that answers 5xx', async () => {
    const up = await stage({});
    const broken = await stage({ routes: { '/': { status: 500, body: { message: 'Internal server error' } } } });

    const [answers] = await smokeTest(up.invokeUrl, smokeProbes(undefined), fast);
    const [fails] = await smokeTest(broken.invokeUrl, smokeProbes([]), { ...fast, attempts: 2 });

    expect(answers).toMatchObject({ ok: true, status: 403 });
    expect(up.hits).toEqual(['GET /dev/']);
    expect(fails).toMatchObject({ ok: false, attempts: 2, status: 500 });
  });

  it('reports a refused connection as a failed request, not a crash', async () => {
    const s = await startFakeStage();
    await s.close();

    const results = await smokeTest(s.invokeUrl, checks, { ...fast, attempts: 2 });

    expect(results.every((r) => !r.ok && r.reason?.startsWith('request failed'))).toBe(true);
  });

  it('rejects a URL that is not http(s)', async () => {
    await expect(smokeTest('ftp://example.test/dev', checks)).rejects.toThrow('Not an http(s) URL');
  });
});

describe('smokeStacks: several APIs, each with its own checks', () => {
  const apis = [
    { name: 'alpha-api', stages: ['dev', 'prod'], smoke: [{ path: '/hello', contains: 'alpha' }] },
    { name: 'beta-api', stages: ['dev', 'prod'], smoke: [{ path: '/notes', contains: '"notes"' }] },
    { name: 'gamma-api', stages: ['dev'] },
  ];

  it("checks each stack against its own API's checks at its own URL", async () => {
    // Arrange: each API's stage answers only its own routes.
    const alpha = await stage({ routes: { '/hello': { body: 'Hello from alpha' } } });
    const beta = await stage({ stage: 'prod', routes: { '/notes': { body: { notes: [] } } } });
    const gamma = await stage({});

    // Act
    const tested = await smokeStacks({ 'alpha-api-dev': alpha.invokeUrl, 'beta-api-prod': beta.invokeUrl, 'gamma-api-dev': gamma.invokeUrl }, apis, fast);

    // Assert
    expect(tested.map((t) => [t.stack, t.api, t.results.map((r) => [r.name, r.ok])])).toEqual([
      ['alpha-api-dev', 'alpha-api', [['GET /hello', true]]],
      ['beta-api-prod', 'beta-api', [['GET /notes', true]]],
      ['gamma-api-dev', 'gamma-api', [['GET / (the stage answers)', true]]],
    ]);
    expect([alpha.hits, beta.hits, gamma.hits]).toEqual([['GET /dev/hello'], ['GET /prod/notes'], ['GET /dev/']]);
  });

  it("fails a stack whose stage does not answer its own API's checks", async () => {
    // beta's URL given for alpha: alpha's check must not pass on beta's answers.
    const beta = await stage({ routes: { '/notes': { body: { notes: [] } } } });

    const [tested] = await smokeStacks({ 'alpha-api-dev': beta.invokeUrl }, apis, { ...fast, attempts: 1 });

    expect(tested!.results).toMatchObject([{ name: 'GET /hello', ok: false, status: 403 }]);
  });

  it('refuses a stack no API declares, before any request', async () => {
    const s = await stage({});

    await expect(smokeStacks({ 'alpha-api-staging': s.invokeUrl }, apis, fast)).rejects.toThrow('No API declares alpha-api-staging');
    expect(s.hits).toEqual([]);
  });
});
