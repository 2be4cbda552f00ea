/**
 * What a schema library costs a Lambda: the users API's request schemas (create-user body, `/users` and `/search`
 * queries) written once per library under `schema-libraries/`, each bundled alone with esbuild (minified, ESM, node22)
 * and measured side by side in one run: bundle bytes (minified, gzip) and import + first validations in fresh `node`
 * processes, interleaved, medians, read net of the same checks hand-written (no library) and as ratios to valibot.
 *
 * Writes `reports/schema-libraries.md`. By hand (`pnpm --filter @portico/http measure:schemas`); not a test.
 *
 * @example pnpm --filter @portico/http measure:schemas -- --rounds 41
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, '..');
const reportFile = join(packageDir, 'reports', 'schema-libraries.md');
const { values } = parseArgs({ args: process.argv.slice(2).filter((arg) => arg !== '--'), options: { rounds: { type: 'string', default: '31' } } });
const rounds = Number(values.rounds);

const variants = [
  { id: 'hand-written', label: 'no library (the same checks hand-written)' },
  { id: 'valibot', label: 'valibot' },
  { id: 'zod-mini', label: '`zod/mini`' },
  { id: 'zod-mini-en', label: '`zod/mini` + English messages' },
  { id: 'zod', label: 'zod (full API)' },
] as const;
type VariantId = (typeof variants)[number]['id'];
const FLOOR: VariantId = 'hand-written';
const REFERENCE: VariantId = 'valibot';

type Schemas = Record<'CreateUserBody' | 'ListQuery' | 'SearchQuery', { '~standard': { validate(value: unknown): unknown } }>;

/** Inputs every copy must judge alike (the first four are the ones each cold process validates). */
const samples: { schema: keyof Schemas; input: unknown; ok: boolean }[] = [
  { schema: 'CreateUserBody', input: { name: 'Ada Lovelace', email: 'ada@example.com' }, ok: true },
  { schema: 'CreateUserBody', input: { name: '   ', email: 'not an email' }, ok: false },
  { schema: 'ListQuery', input: { limit: '20', cursor: 'eyJpZCI6IjQyIn0' }, ok: true },
  { schema: 'SearchQuery', input: { q: 'al', limit: '5' }, ok: true },
  { schema: 'CreateUserBody', input: { name: '  Grace  ' }, ok: true },
  { schema: 'CreateUserBody', input: { name: 'x'.repeat(101) }, ok: false },
  { schema: 'CreateUserBody', input: { name: '😀'.repeat(100) }, ok: true },
  { schema: 'CreateUserBody', input: { name: 'Ada', admin: true }, ok: false },
  { schema: 'CreateUserBody', input: { name: 'a\u0000b' }, ok: false },
  { schema: 'CreateUserBody', input: { name: '\u200b\u200b' }, ok: false },
  { schema: 'CreateUserBody', input: { name: 'x\ud800' }, ok: false },
  { schema: 'CreateUserBody', input: { name: 42 }, ok: false },
  { schema: 'CreateUserBody', input: {}, ok: false },
  { schema: 'ListQuery', input: {}, ok: true },
  { schema: 'ListQuery', input: { limit: '0' }, ok: false },
  { schema: 'ListQuery', input: { limit: '101' }, ok: false },
  { schema: 'ListQuery', input: { cursor: 'a/b' }, ok: false },
  { schema: 'SearchQuery', input: {}, ok: false },
  { schema: 'SearchQuery', input: { q: '' }, ok: false },
  { schema: 'SearchQuery', input: { q: 'al', limit: '007' }, ok: false },
];
const COLD_SAMPLES = samples.slice(0, 4);

function verdict(result: unknown): boolean {
  if (result instanceof Promise) throw new Error('a schema validated asynchronously: the comparison assumes sync checks');
  return !(result as { issues?: unknown }).issues;
}

/** Refuses to measure copies that do not check the same thing. */
async function checkVerdicts(): Promise<void> {
  const wrong: string[] = [];
  for (const { id } of variants) {
    const schemas = (await import(pathToFileURL(join(here, 'schema-libraries', `${id}.ts`)).href)) as Schemas;
    for (const { schema, input, ok } of samples) {
      if (verdict(schemas[schema]['~standard'].validate(input)) !== ok) wrong.push(`${id}: ${schema} ${JSON.stringify(input)} should be ${ok ? 'accepted' : 'refused'}`);
    }
  }
  if (wrong.length) throw new Error(`The schema copies disagree:\n${wrong.join('\n')}`);
}

/** Imports the bundle, then validates the cold samples once each; prints both times in ns. */
const RUNNER = `
const t0 = process.hrtime.bigint();
const m = await import(process.argv[2]);
const t1 = process.hrtime.bigint();
const samples = JSON.parse(process.argv[3]);
let accepted = 0;
for (const { schema, input } of samples) if (!m[schema]['~standard'].validate(input).issues) accepted++;
const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ importNs: Number(t1 - t0), validateNs: Number(t2 - t1), accepted }));
`;

function runCold(runner: string, bundle: string): Promise<{ importNs: number; validateNs: number; accepted: number }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [runner, pathToFileURL(bundle).href, JSON.stringify(COLD_SAMPLES)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolvePromise(JSON.parse(out)) : reject(new Error(`${bundle}: exit ${code}`))));
  });
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const version = (name: string): string => {
  const pkg = JSON.parse(readFileSync(join(packageDir, 'node_modules', name, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
};
const int = (n: number): string => Math.round(n).toLocaleString('en-US');
const ms = (ns: number): string => (ns / 1e6).toFixed(2);
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : 'n/a');

async function main(): Promise<void> {
  await checkVerdicts();
  const work = mkdtempSync(join(tmpdir(), 'portico-schema-libraries-'));
  try {
    const runner = join(work, 'runner.mjs');
    writeFileSync(runner, RUNNER);
    const bundles = new Map<VariantId, { file: string; min: number; gzip: number }>();
    for (const { id } of variants) {
      const file = join(work, `${id}.mjs`);
      await build({
        entryPoints: [join(here, 'schema-libraries', `${id}.ts`)],
        outfile: file,
        bundle: true,
        minify: true,
        format: 'esm',
        platform: 'node',
        target: 'node22',
        logLevel: 'error',
      });
      const bytes = readFileSync(file);
      bundles.set(id, { file, min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
    }

    const loadBefore = loadavg()[0]!;
    const times = new Map<VariantId, { importNs: number[]; validateNs: number[]; totalNs: number[] }>(variants.map(({ id }) => [id, { importNs: [], validateNs: [], totalNs: [] }]));
    for (let round = 0; round < rounds; round++) {
      // Interleaved, starting from a different variant each round, so a burst of other work lands on all of them.
      for (let k = 0; k < variants.length; k++) {
        const { id } = variants[(round + k) % variants.length]!;
        const run = await runCold(runner, bundles.get(id)!.file);
        if (run.accepted !== COLD_SAMPLES.filter((s) => s.ok).length) throw new Error(`${id}: wrong verdicts in the cold process`);
        const t = times.get(id)!;
        t.importNs.push(run.importNs);
        t.validateNs.push(run.validateNs);
        t.totalNs.push(run.importNs + run.validateNs);
      }
    }
    const loadAfter = loadavg()[0]!;

    const med = (id: VariantId) => {
      const t = times.get(id)!;
      return { importNs: median(t.importNs), validateNs: median(t.validateNs), totalNs: median(t.totalNs) };
    };
    const floor = { ...bundles.get(FLOOR)!, ...med(FLOOR) };
    const ref = { gzip: bundles.get(REFERENCE)!.gzip - floor.gzip, totalNs: med(REFERENCE).totalNs - floor.totalNs };
    const rows = variants.map(({ id, label }) => {
      const b = bundles.get(id)!;
      const m = med(id);
      const netGzip = b.gzip - floor.gzip;
      const netNs = m.totalNs - floor.totalNs;
      const isFloor = id === FLOOR;
      return `| ${label} | ${int(b.min)} | ${int(b.gzip)} | ${isFloor ? '–' : int(netGzip)} | ${isFloor ? '–' : ratio(netGzip, ref.gzip)} | ${ms(m.importNs)} | ${ms(m.validateNs)} | ${ms(m.totalNs)} | ${isFloor ? '–' : ms(netNs)} | ${isFloor ? '–' : ratio(netNs, ref.totalNs)} |`;
    });
    const gitRev = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: packageDir, encoding: 'utf8' }).trim();
    const report = `# Schema libraries: bundle size and cold start of the users API's request schemas

Generated by \`pnpm --filter @portico/http measure:schemas\` (\`packages/http/scripts/measure-schema-libraries.ts\`) on
${new Date().toISOString().slice(0, 16)}Z at ${gitRev}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model.trim()}, 1-min load
average ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after. Libraries: valibot ${version('valibot')}, zod ${version('zod')}; esbuild ${version('esbuild')}.

The create-user body and the \`GET /users\` and \`GET /search\` queries of \`apps/users-api/src/routes.ts\`, written once
per library in \`packages/http/scripts/schema-libraries/\` over the same text rules (\`text-rules.ts\`); before
measuring, every copy is checked to accept and refuse the same ${samples.length} inputs. Each copy is bundled alone
(esbuild: bundle, minify, ESM, platform node, target node22; gzip level 9). Cold: ${rounds} fresh \`node\` processes per
copy, interleaved; in each, \`import()\` of the bundle, then one validation of each of ${COLD_SAMPLES.length} inputs (a valid body, an
invalid one, each query) through the Standard Schema interface, as \`@portico/http\` calls it; medians. "Net" is over
the hand-written copy, which pays the same import, regular expressions and calls: what the library itself adds. The
ratio column compares the net figure with valibot's. Noisy 2-core machine: compare rows of one run.

| schemas | min bytes | gzip bytes | gzip, net | gzip, net vs valibot | import, ms | first validations, ms | import + validations, ms | cold, net, ms | cold, net vs valibot |
| :-- | --: | --: | --: | --: | --: | --: | --: | --: | --: |
${rows.join('\n')}

Only what the function validates is here: the response schemas \`routes.ts\` declares for the OpenAPI document are
built at import as well, which a Lambda bundle pays on top.
`;
    mkdirSync(dirname(reportFile), { recursive: true });
    writeFileSync(reportFile, report);
    process.stdout.write(report);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
