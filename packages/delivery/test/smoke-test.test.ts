import { smokeTest } from '../src/smoke-test';
import { startFakeStage } from './support/fake-stage';

const fast = { delayMs: 10, maxDelayMs: 20, timeoutMs: 2_000 };

describe('smokeTest against a stage on loopback', () => {
  it('passes when /hello answers a message and /users answers JSON', async () => {
    // Arrange
    const stage = await startFakeStage({ helloMessage: 'Hello, World!' });
    try {
      // Act
      const results = await smokeTest(stage.invokeUrl, { ...fast, expectedHelloMessage: 'Hello, World!' });

      // Assert
      expect(results.map((r) => [r.name, r.ok, r.status, r.attempts])).toEqual([
        ['hello', true, 200, 1],
        ['users', true, 200, 1],
      ]);
      expect(stage.hits).toEqual(['GET /dev/hello', 'GET /dev/users']);
    } finally {
      await stage.close();
    }
  });

  it('keeps the stage path of the invoke URL, with or without a trailing slash', async () => {
    const stage = await startFakeStage({ stage: 'prod' });
    try {
      const results = await smokeTest(`${stage.invokeUrl}/`, fast);
      expect(results.every((r) => r.ok)).toBe(true);
      expect(results.map((r) => new URL(r.url).pathname)).toEqual(['/prod/hello', '/prod/users']);
    } finally {
      await stage.close();
    }
  });

  it('retries while a fresh deployment answers 502, then passes', async () => {
    const stage = await startFakeStage({ failFirst: { hello: 2, users: 1 } });
    const lines: string[] = [];
    try {
      const results = await smokeTest(stage.invokeUrl, { ...fast, log: (l) => lines.push(l) });
      expect(results.map((r) => [r.name, r.ok, r.attempts])).toEqual([
        ['hello', true, 3],
        ['users', true, 2],
      ]);
      expect(lines.filter((l) => l.startsWith('FAIL'))).toHaveLength(3);
    } finally {
      await stage.close();
    }
  });

  it('fails after its attempts when a route stays wrong, with the reason', async () => {
    const stage = await startFakeStage({ usersStatus: 403 });
    try {
      const results = await smokeTest(stage.invokeUrl, { ...fast, attempts: 3 });
      expect(results[0]).toMatchObject({ name: 'hello', ok: true });
      expect(results[1]).toMatchObject({ name: 'users', ok: false, attempts: 3, status: 403, reason: 'expected 200, got 403' });
    } finally {
      await stage.close();
    }
  });

  it('fails when the hello message is not the expected one', async () => {
    const stage = await startFakeStage({ helloMessage: 'Hello from the old build' });
    try {
      const [hello] = await smokeTest(stage.invokeUrl, { ...fast, attempts: 1, expectedHelloMessage: 'Hello, World!' });
      expect(hello).toMatchObject({ ok: false });
      expect(hello!.reason).toContain('"Hello from the old build"');
    } finally {
      await stage.close();
    }
  });

  it('reports a refused connection as a failed request, not a crash', async () => {
    const stage = await startFakeStage();
    await stage.close();
    const results = await smokeTest(stage.invokeUrl, { ...fast, attempts: 2 });
    expect(results.every((r) => !r.ok && r.reason?.startsWith('request failed'))).toBe(true);
  });

  it('rejects a URL that is not http(s)', async () => {
    await expect(smokeTest('ftp://example.test/dev')).rejects.toThrow('Not an http(s) URL');
  });
});
