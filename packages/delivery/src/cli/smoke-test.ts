/** Smoke-tests deployed stacks, each with its own API's checks; exits non-zero when a check fails after its retries. */
import { appendStepSummary } from '../actions-env';
import { smokeStacks } from '../smoke-test';
import { main, parseCli, repoRoot } from './args';

const USAGE = `usage: smoke-test [<stack>=<invoke-url>]... [--attempts N] [--delay-ms N] [--timeout-ms N]

Checks each stack through its invoke URL with the smoke checks its API declares (\`smoke\` in
apps/<name>/portico.config.ts: a GET path, the status, text the body contains; without any, that the stage answers),
retrying each with exponential backoff while a fresh deployment settles. The stacks and URLs come from the arguments,
else from INVOKE_URLS (JSON {"<stack>": "<url>"}, deploy-stage's invoke_urls output); none means nothing was deployed.
Environment defaults: SMOKE_ATTEMPTS (10), SMOKE_DELAY_MS (1000, doubled per retry up to 10 s).`;

main(async () => {
  const { values, positionals } = parseCli(USAGE, {
    attempts: { type: 'string' },
    'delay-ms': { type: 'string' },
    'timeout-ms': { type: 'string' },
  });
  const invokeUrls = positionals.length > 0 ? fromArguments(positionals) : fromJson(process.env.INVOKE_URLS);
  if (Object.keys(invokeUrls).length === 0) {
    console.log('nothing was deployed: nothing to smoke-test');
    return 0;
  }
  const number = (name: string, value: string | undefined) => {
    if (value === undefined || value === '') return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
    return n;
  };
  const { discoverApis } = await import('@portico/infra/discover');
  const apis = (await discoverApis(repoRoot())).map(({ config }) => ({ name: config.name, stages: Object.keys(config.stages), smoke: config.smoke }));
  const tested = await smokeStacks(invokeUrls, apis, {
    attempts: number('attempts', values.attempts ?? process.env.SMOKE_ATTEMPTS),
    delayMs: number('delay-ms', values['delay-ms'] ?? process.env.SMOKE_DELAY_MS),
    timeoutMs: number('timeout-ms', values['timeout-ms']),
    log: (line) => console.log(line),
  });
  const row = (r: (typeof tested)[number]['results'][number]) =>
    `| ${r.name} | ${r.ok ? '✅' : `❌ ${r.reason}`} (${r.attempts} attempt${r.attempts === 1 ? '' : 's'}) |`;
  appendStepSummary(tested.map((t) => [`Smoke test of \`${t.stack}\` (${t.url})`, '', '| check | result |', '| --- | --- |', ...t.results.map(row), ''].join('\n')).join('\n'));
  const failed = tested.flatMap((t) => t.results.filter((r) => !r.ok).map((r) => `${t.stack} ${r.name}`));
  if (failed.length) console.error(`smoke test failed: ${failed.join(', ')}`);
  return failed.length ? 1 : 0;
});

function fromArguments(args: readonly string[]): Record<string, string> {
  const urls: Record<string, string> = Object.create(null);
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new Error(`expected <stack>=<invoke-url>, got ${JSON.stringify(arg)}\n\n${USAGE}`);
    urls[arg.slice(0, at)] = arg.slice(at + 1);
  }
  return urls;
}

function fromJson(text: string | undefined): Record<string, string> {
  if (!text?.trim()) return Object.create(null);
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error(`INVOKE_URLS must be a JSON object of stack names to URLs, got ${text.slice(0, 200)}`);
  }
  return Object.assign(Object.create(null), parsed) as Record<string, string>;
}
