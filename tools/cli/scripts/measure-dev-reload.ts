/**
 * How long `pnpm dev` takes to serve an edit: users-api served by `startDev` (its watch build, dev stack, dynalite and
 * local gateway, as `pnpm dev` runs them) from a copy of the app, then its `GET /hello` handler edited again and again,
 * each time timed from the write of `src/handler.ts` to the first response carrying the new message (polled every
 * few milliseconds). Side by side in the same run: starting the dev server from nothing to its first answer, which is
 * what a restart would cost instead. Medians.
 *
 * The copy lives in `.portico/` (git-ignored) so the app's own source is never touched. Writes
 * `reports/dev-reload.md`. By hand after `pnpm build` (`pnpm --filter @portico/cli measure:reload`); not a test.
 *
 * @example pnpm --filter @portico/cli measure:reload -- --starts 5 --edits 9
 */
import { loadApi, findRepoRoot } from '@portico/infra/discover';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDev } from '../src/dev';

const cliDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = findRepoRoot(cliDir);
const reportFile = join(cliDir, 'reports', 'dev-reload.md');
const { values } = parseArgs({
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: { starts: { type: 'string', default: '3' }, edits: { type: 'string', default: '7' }, app: { type: 'string', default: 'users-api' } },
});
const starts = Number(values.starts);
const edits = Number(values.edits);
const app = values.app!;
const POLL_MS = 5;
const HELLO = "json({ message: 'Hello, World!' })";

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
const ms = (x: number): string => `${Math.round(x).toLocaleString('en-US')} ms`;
const spread = (xs: readonly number[]): string => `${ms(median(xs))} (${ms(Math.min(...xs))}–${ms(Math.max(...xs))})`;
const sleep = (t: number) => new Promise((done) => setTimeout(done, t));

/** Polls `url` until its JSON `message` is `expected`; resolves with how many requests that took. */
async function waitForMessage(url: string, expected: string, timeoutMs = 60_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (let polls = 1; ; polls++) {
    try {
      const response = await fetch(url);
      const body = (await response.json()) as { message?: string };
      if (body.message === expected) return polls;
    } catch {
      // Between two builds the gateway may answer 502 or not at all: keep asking.
    }
    if (performance.now() > deadline) throw new Error(`${url} never answered "${expected}" within ${timeoutMs} ms`);
    await sleep(POLL_MS);
  }
}

/** The gateway's cold start of the last request it logged as one, in ms. */
function lastColdStart(log: readonly string[]): number | undefined {
  for (let i = log.length - 1; i >= 0; i--) {
    const match = /GET \S*\/hello 200 .*\(cold start (\d+)ms\)/.exec(log[i]!);
    if (match) return Number(match[1]);
  }
  return undefined;
}

async function main(): Promise<void> {
  const source = join(root, 'apps', app);
  // Two levels below the root, as apps/<name> is, so the app's tsconfig `extends` still resolves.
  const copy = join(root, '.portico', `measure-reload-${app}`);
  const work = mkdtempSync(join(tmpdir(), 'portico-dev-reload-'));
  const handlerFile = join(copy, 'src', 'handler.ts');
  const loadBefore = loadavg()[0]!;
  const startup: number[] = [];
  const firstAnswer: number[] = [];
  const firstCold: number[] = [];
  const reload: number[] = [];
  const reloadCold: number[] = [];
  const polls: number[] = [];
  try {
    rmSync(copy, { recursive: true, force: true });
    cpSync(source, copy, { recursive: true, filter: (from) => !/\/(node_modules|dist|\.turbo)$/.test(from) });
    symlinkSync(join(source, 'node_modules'), join(copy, 'node_modules'));
    const original = readFileSync(handlerFile, 'utf8');
    if (!original.includes(HELLO)) throw new Error(`${relative(root, join(source, 'src', 'handler.ts'))} no longer answers ${HELLO}: update this script`);
    const api = await loadApi(copy);

    for (let run = 0; run < starts; run++) {
      writeFileSync(handlerFile, original);
      const log: string[] = [];
      const started = performance.now();
      const dev = await startDev({
        declared: [api],
        port: 0,
        dataDir: join(work, `dynamodb-${run}`),
        workDir: join(work, `dev-${run}`),
        log: (line) => log.push(line),
      });
      try {
        startup.push(performance.now() - started);
        const hello = `${dev.apis[0]!.url}/hello`;
        await waitForMessage(hello, 'Hello, World!');
        firstAnswer.push(performance.now() - started);
        const cold = lastColdStart(log);
        if (cold !== undefined) firstCold.push(cold);
        for (let edit = 0; edit < edits; edit++) {
          // Settle: the previous build's watcher events, the gateway's reload and the next edit are apart.
          await sleep(500);
          const message = `Hello, edit ${run}.${edit}!`;
          const written = performance.now();
          writeFileSync(handlerFile, original.replace(HELLO, `json({ message: '${message}' })`));
          polls.push(await waitForMessage(hello, message));
          reload.push(performance.now() - written);
          const cold = lastColdStart(log);
          if (cold !== undefined) reloadCold.push(cold);
        }
      } finally {
        await dev.close();
      }
    }
  } finally {
    rmSync(copy, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
  const loadAfter = loadavg()[0]!;

  const gitRev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  const report = `# \`pnpm dev\`: time to serve an edit

Generated by \`pnpm --filter @portico/cli measure:reload\` (\`tools/cli/scripts/measure-dev-reload.ts\`) on
${new Date().toISOString().slice(0, 16)}Z at ${gitRev}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, 1-min load average
${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after. A shared 2-core machine: compare rows of one run.

${app} served by \`startDev\` (what \`pnpm dev\` runs: esbuild watch build, dev stack synthesized, dynalite, local
gateway) from a copy of \`apps/${app}\`, on a free port, with fresh data and work folders, in this script's process.
${starts} start(s); in each, ${edits} edits of the \`GET /hello\` handler's message in \`src/handler.ts\`, 500 ms apart. An
edit is timed from the file's write to the first response with the new message (\`GET /hello\` polled every
${POLL_MS} ms: the watch build, the gateway's reload of the function and its cold start all count). Median (min–max).

| | time |
| :-- | --: |
| edit → new response served (${reload.length} edits) | ${spread(reload)} |
| of which the function's cold start, as the gateway logs it | ${reloadCold.length ? spread(reloadCold) : 'not logged'} |
| start → every gateway listening (${startup.length} starts) | ${spread(startup)} |
| start → first \`GET /hello\` answered (a restart instead of a reload) | ${spread(firstAnswer)} |
| of which the first request's cold start, as the gateway logs it | ${firstCold.length ? spread(firstCold) : 'not logged'} |
| restart ÷ reload, medians | ${(median(firstAnswer) / median(reload)).toFixed(1)}x |

Requests per edit until the new message came back: median ${median(polls)}.
`;
  mkdirSync(dirname(reportFile), { recursive: true });
  writeFileSync(reportFile, report);
  process.stdout.write(report);
}

await main();
