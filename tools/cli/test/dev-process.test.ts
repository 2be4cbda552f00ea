/**
 * `startDevProcess`'s failure path: a dev server that cannot start rejects with what it logged, and leaves nothing
 * running. Its success path is what the API clients' end-to-end tests run on (apps/*\/client/test/dev.test.ts).
 */
import { startDevProcess } from '../src/testing/index';

describe('startDevProcess', () => {
  it('rejects with the dev log when the dev server cannot start', async () => {
    await expect(startDevProcess(['no-such-api'])).rejects.toThrow(/pnpm dev exited with 1 before serving:[\s\S]*no-such-api/);
  });
});
