/** Smoke-tests a deployed stage through its invoke URL; exits non-zero when a check fails after its retries. */
import { appendStepSummary } from '../actions-env';
import { smokeTest } from '../smoke-test';
import { main, parseCli } from './args';

const USAGE = `usage: smoke-test <invoke-url> [--attempts N] [--delay-ms N] [--timeout-ms N] [--hello-message TEXT]

Checks GET <invoke-url>/hello (200 with a JSON "message") and GET <invoke-url>/users (200, JSON), retrying each
with exponential backoff while a fresh deployment settles. Environment defaults: SMOKE_URL, SMOKE_ATTEMPTS (10),
SMOKE_DELAY_MS (1000, doubled per retry up to 10 s), SMOKE_HELLO_MESSAGE.`;

main(async () => {
  const { values, positionals } = parseCli(USAGE, {
    attempts: { type: 'string' },
    'delay-ms': { type: 'string' },
    'timeout-ms': { type: 'string' },
    'hello-message': { type: 'string' },
  });
  const url = positionals[0] || process.env.SMOKE_URL;
  if (!url) throw new Error(`an invoke URL is required\n\n${USAGE}`);
  const number = (name: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
    return n;
  };
  const results = await smokeTest(url, {
    attempts: number('attempts', values.attempts ?? process.env.SMOKE_ATTEMPTS),
    delayMs: number('delay-ms', values['delay-ms'] ?? process.env.SMOKE_DELAY_MS),
    timeoutMs: number('timeout-ms', values['timeout-ms']),
    expectedHelloMessage: values['hello-message'] ?? process.env.SMOKE_HELLO_MESSAGE,
    log: (line) => console.log(line),
  });
  appendStepSummary(
    [`Smoke test of ${url}`, '', '| check | result |', '| --- | --- |', ...results.map((r) => `| GET ${new URL(r.url).pathname} | ${r.ok ? '✅' : `❌ ${r.reason}`} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'}) |`)].join('\n'),
  );
  const failed = results.filter((r) => !r.ok);
  if (failed.length) console.error(`smoke test failed: ${failed.map((r) => r.name).join(', ')}`);
  return failed.length ? 1 : 0;
});
