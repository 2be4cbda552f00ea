/**
 * Issue 2's benchmark: the same 8-event mix through a hand-written switch, @portico/http, Middy, Hono and Powertools,
 * all bundled identically. Measures bundle size, cold start (import + first call over bare node, fresh processes),
 * warm per-invocation cost and p99 (in-process loop, one fresh process per run), and status correctness.
 *
 * The "store" is a synchronous fixed-data stub shared by every variant: this measures framework overhead, not
 * DynamoDB. Not a timed test: figures depend on the machine; compare variants within one run only.
 *
 *   pnpm --filter @portico/benchmarks bench:http        (BENCH_QUICK=1 for a smoke run)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { bundlePorticoSurfaces, bundleVariant, OUT_DIR, ROOT, VARIANTS, type BundleInfo, type VariantBundles } from './bundle';
import { buildMix } from './shared/events';
import { int, kb, median, ms, pass, runNode, table, us } from './stats';

const QUICK = process.env.BENCH_QUICK === '1';
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? (QUICK ? 5 : 15));
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? (QUICK ? 1 : 5));
const WARMUP_MIXES = QUICK ? 500 : 2_000;
const MEASURED_MIXES = QUICK ? 2_000 : 10_000;

const RUNNERS = join(ROOT, 'src', 'runners');

interface WarmRun {
  calls: number;
  meanNs: number;
  p50Ns: number;
  p99Ns: number;
  perEventMeanNs: number[];
  statuses: (number | null)[];
  valid: boolean[];
}

interface Row {
  id: string;
  label: string;
  reference?: boolean;
  bundles?: VariantBundles;
  error?: string;
  /** Wall time of each cold run minus the bare-node run just before it: pairing cancels drift on a busy box. */
  coldWall: number[];
  coldInProcess: number[];
  coldStatus?: number;
  warm: WarmRun[];
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const loadBefore = loadavg()[0]!;
  const mix = buildMix();
  const eventsFile = join(OUT_DIR, 'events.json');
  writeFileSync(eventsFile, JSON.stringify(mix, null, 2));

  const rows: Row[] = [];
  for (const v of VARIANTS) {
    const row: Row = { ...v, coldWall: [], coldInProcess: [], warm: [] };
    try {
      row.bundles = await bundleVariant(v.id);
    } catch (err) {
      row.error = `bundle failed: ${(err as Error).message.split('\n')[0]}`;
    }
    rows.push(row);
  }
  const live = rows.filter((r) => r.bundles);
  let surface: { app: BundleInfo; routerHelpers: BundleInfo } | undefined;
  try {
    surface = await bundlePorticoSurfaces();
  } catch {
    // Reported as missing: the variant row already carries the bundling error.
  }

  // Cold: interleave bare node and every variant per iteration so drift on a noisy 2-core box hits all alike.
  const bare: number[] = [];
  log(`cold start: ${COLD_RUNS} fresh processes per variant`);
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const row of live) {
      const baseline = (await runNode([join(RUNNERS, 'cold.mjs'), '-', eventsFile])).wallNs;
      bare.push(baseline);
      const r = await runNode([join(RUNNERS, 'cold.mjs'), join(ROOT, row.bundles!.full.file), eventsFile]);
      if (r.code !== 0) {
        row.error = `cold run failed: ${lastLine(r.stderr)}`;
        continue;
      }
      const { ns, status } = JSON.parse(r.stdout) as { ns: number; status: number };
      row.coldWall.push(r.wallNs - baseline);
      row.coldInProcess.push(ns);
      row.coldStatus = status;
    }
  }

  log(`warm: ${WARM_ROUNDS} round(s) x ${MEASURED_MIXES} mixes (${MEASURED_MIXES * mix.length} calls) after ${WARMUP_MIXES} warm-up mixes`);
  for (let round = 0; round < WARM_ROUNDS; round++) {
    for (const row of live) {
      const r = await runNode([join(RUNNERS, 'warm.mjs'), join(ROOT, row.bundles!.full.file), eventsFile, String(WARMUP_MIXES), String(MEASURED_MIXES)]);
      if (r.code !== 0) {
        row.error = `warm run failed: ${lastLine(r.stderr)}`;
        continue;
      }
      row.warm.push(JSON.parse(r.stdout) as WarmRun);
    }
  }

  const load = `1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
  const md = report(rows, mix, median(bare), surface, load);
  writeFileSync(join(ROOT, 'results', 'http.md'), md);
  process.stdout.write(`\n${md}\n`);
}

function report(
  rows: Row[],
  mix: ReturnType<typeof buildMix>,
  bareNs: number,
  surface: { app: BundleInfo; routerHelpers: BundleInfo } | undefined,
  load: string,
): string {
  const warmMean = (r: Row) => median(r.warm.map((w) => w.meanNs));
  const warmP99 = (r: Row) => median(r.warm.map((w) => w.p99Ns));
  const coldOver = (r: Row) => median(r.coldWall);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const ok = (r: Row | undefined): r is Row => !!r && !r.error && r.warm.length > 0 && r.coldWall.length > 0;
  const base = byId.get('switch');

  const mainRows = rows.map((r) => {
    if (!r.bundles) return [r.label, '–', '–', '–', '–', '–', '–', '–', '–', r.error ?? ''];
    const statusOk = r.warm[0] ? mix.filter((m, i) => r.warm[0]!.statuses[i] === m.expected).length : 0;
    const statusCell = r.error ? r.error : r.reference ? 'n/a' : `${statusOk}/${mix.length}`;
    const usable = ok(r);
    return [
      r.label,
      kb(r.bundles.full.bytes),
      kb(r.bundles.full.gzipBytes),
      kb(r.bundles.noSchema.gzipBytes),
      usable ? ms(coldOver(r)) : '–',
      usable ? ms(median(r.coldInProcess)) : '–',
      usable ? int(1e9 / warmMean(r)) : '–',
      usable ? us(warmMean(r)) : '–',
      usable ? us(warmP99(r)) : '–',
      usable && ok(base) ? `${(warmMean(r) / warmMean(base)).toFixed(2)}x` : '–',
      statusCell,
    ];
  });
  const head = [
    'variant',
    'bundle KB',
    'gzip KB',
    'gzip KB, valibot external',
    'import + 1st call over bare node, ms (wall)',
    'import + 1st call in-process, ms',
    'warm inv/s',
    'mean µs/inv',
    'p99 µs',
    'cost vs switch',
    'statuses as expected',
  ];
  for (const r of mainRows) if (r.length < head.length) r.splice(r.length - 1, 0, ...Array(head.length - r.length).fill('–'));

  const contenders = rows.filter((r) => !r.reference);
  const statusRows = mix.map((m, i) => [
    m.name,
    String(m.expected),
    ...contenders.map((r) => {
      const got = r.warm[0]?.statuses[i];
      if (got === undefined) return '–';
      const valid = r.warm[0]!.valid[i] ? '' : ' (invalid result)';
      return got === m.expected ? `${got}${valid}` : `**${got}**${valid}`;
    }),
  ]);
  const perEventRows = mix.map((m, i) => [
    m.name,
    ...rows.map((r) => (ok(r) ? us(median(r.warm.map((w) => w.perEventMeanNs[i]!))) : '–')),
  ]);

  const mismatches: string[] = [];
  for (const r of contenders) {
    r.warm[0]?.statuses.forEach((s, i) => {
      if (s !== mix[i]!.expected) mismatches.push(`- ${r.label}: ${mix[i]!.name} answered ${s}, expected ${mix[i]!.expected}`);
      if (!r.warm[0]!.valid[i]) mismatches.push(`- ${r.label}: ${mix[i]!.name} returned an invalid proxy result`);
    });
  }

  const targets: string[] = [];
  const portico = byId.get('portico');
  const middy = byId.get('middy');
  if (ok(portico) && ok(base) && ok(middy)) {
    const costRatio = warmMean(portico) / warmMean(base);
    const speedup = warmMean(middy) / warmMean(portico);
    const noSchema = portico.bundles!.noSchema;
    const schemaGzip = portico.bundles!.full.gzipBytes - noSchema.gzipBytes;
    const floor = byId.get('floor');
    const floorInProcess = floor && floor.coldInProcess.length ? median(floor.coldInProcess) : 0;
    const coldNet = median(portico.coldInProcess) - floorInProcess;
    const coldOverSwitch = median(portico.coldInProcess) - median(base.coldInProcess);
    targets.push(
      table(
        ['target for @portico/http', 'measured', 'result'],
        [
          ['per-invocation cost ≤ 1.5x the hand-written switch', `${costRatio.toFixed(2)}x (${us(warmMean(portico))} vs ${us(warmMean(base))} µs)`, pass(costRatio <= 1.5)],
          ['throughput ≥ 4x Middy', `${speedup.toFixed(2)}x (${int(1e9 / warmMean(portico))} vs ${int(1e9 / warmMean(middy))} inv/s)`, pass(speedup >= 4)],
          [
            'router + helpers ≤ 3 KB gzip (valibot external)',
            surface
              ? `${kb(surface.routerHelpers.gzipBytes)} KB gzip (${int(surface.routerHelpers.bytes)} B minified): router, \`defineRoute\`, response helpers with the result check, error classes`
              : 'not measured (bundling failed)',
            surface ? pass(surface.routerHelpers.gzipBytes <= 3 * 1024) : '–',
          ],
          [
            'the whole runtime `createApp` brings (reported, no budget)',
            surface
              ? `${kb(surface.app.gzipBytes)} KB gzip (${int(surface.app.bytes)} B minified): router + helpers, request conversion, JSON body parsing, validation glue, CORS, problem responses, 5xx log; whole variant incl. routes and stub ${kb(noSchema.gzipBytes)} KB`
              : `${kb(noSchema.gzipBytes)} KB gzip, whole variant incl. routes and stub`,
            '–',
          ],
          ['validation library (valibot), reported separately', `+${kb(schemaGzip)} KB gzip`, '–'],
          [
            'require + first call ≤ 1 ms over bare node',
            `${ms(coldNet)} ms: import + first call in-process (${ms(median(portico.coldInProcess))} ms) net of the empty-handler floor (${ms(floorInProcess)} ms), valibot schema and store included; ${ms(coldOverSwitch)} ms more than the hand-written switch with the same schema. (Spawn-to-exit wall time over bare node: ${ms(coldOver(portico))} ms, too noisy to judge: bare node alone takes ${ms(bareNs)} ms.)`,
            pass(coldNet <= 1e6),
          ],
        ],
        ['l', 'l', 'l'],
      ),
    );
  } else {
    targets.push('Targets not evaluated: @portico/http, the switch or Middy did not run (see the table).');
  }

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return [
    '# @portico/http against peers: the same 8-event mix',
    '',
    `Generated by \`pnpm --filter @portico/benchmarks bench:http\` on ${new Date().toISOString().slice(0, 16)}Z — Node ${process.version}, ${cpus().length} × ${cpu}, ${load}.`,
    'Every variant answers the same events (built with `createProxyEvent`), calls the same synchronous fixed-data store',
    'stub and validates with the same valibot schema: this measures framework overhead, not DynamoDB. Bundles: esbuild,',
    'minified, platform node, target node22, ESM. Timings are noisy on a shared 2-core box: compare rows, not runs.',
    '',
    `- Cold: ${COLD_RUNS} fresh \`node\` processes per variant, each paired with a bare-node process run just before it; the wall column is the median of (variant − bare) spawn→exit times (bare node itself: ${ms(bareNs)} ms median). The in-process column times \`import()\` + the first call (\`GET /hello\`) inside the process; read it net of the empty-handler floor.`,
    `- Warm: ${WARM_ROUNDS} fresh process(es) per variant, ${WARMUP_MIXES} warm-up mixes then ${MEASURED_MIXES} mixes (${MEASURED_MIXES * mix.length} calls) timed per call with \`process.hrtime.bigint()\`; median over runs. Logging is silenced in every variant.`,
    '',
    table(head, mainRows, ['l']),
    '',
    '## Targets',
    '',
    ...targets,
    '',
    '## Status per event (bold = not what a correct REST API answers)',
    '',
    table(['event', 'expected', ...contenders.map((r) => r.label)], statusRows, ['l']),
    '',
    mismatches.length ? mismatches.join('\n') : 'No mismatches.',
    '',
    '## Where the runtime\'s bytes are (`createApp` and what it brings; minified, from esbuild\'s metafile)',
    '',
    surface
      ? table(
          ['source file', 'bytes'],
          Object.entries(surface.app.porticoFiles)
            .sort((a, b) => b[1] - a[1])
            .map(([f, b]) => [f, int(b)]),
          ['l'],
        )
      : 'Not available.',
    '',
    '## Warm cost per event, mean µs',
    '',
    table(['event', ...rows.map((r) => r.label)], perEventRows, ['l']),
    '',
  ].join('\n');
}

function lastLine(s: string): string {
  return s.trim().split('\n').filter((l) => l.trim()).slice(-3).join(' / ').slice(0, 300);
}

function log(msg: string): void {
  process.stderr.write(`[bench:http] ${msg}\n`);
}

await main();
