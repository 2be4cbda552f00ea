/**
 * @portico/http against a hand-written switch and its peers, in two independent harnesses: the users API (a gateway
 * resource per route) and an orders API (one function behind `ANY /{proxy+}`), each written once per variant with its
 * own schemas and event mix, all bundled identically (esbuild, minified, ESM, node22). Measures, side by side in one
 * run: bundle size; import + first call in fresh processes (median, read net of the empty handler); warm CPU time per
 * invocation in one fresh process per variant and round (median of rounds); p99; and whether each answer's status is
 * what a correct REST API sends.
 *
 * The stores are synchronous fixed-data stubs: this measures framework overhead, not a database. Not a timed test:
 * figures depend on the machine; compare variants within one run only.
 *
 *   pnpm --filter @portico/benchmarks bench:http        (BENCH_QUICK=1 for a smoke run)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { bundlePorticoSurfaces, bundleVariant, OUT_DIR, ROOT, VARIANTS, type BundleInfo, type Variant, type VariantBundles } from './bundle';
import { buildMix, HARNESSES, type HarnessId, type MixEntry } from './shared/events';
import { int, kb, median, ms, pass, runNode, table, us } from './stats';

const QUICK = process.env.BENCH_QUICK === '1';
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? (QUICK ? 3 : 15));
const WARM_ROUNDS = Number(process.env.BENCH_WARM_ROUNDS ?? (QUICK ? 1 : 7));
const WARMUP_MIXES = QUICK ? 200 : 1_000;
const MEASURED_MIXES = QUICK ? 500 : 4_000;

const RUNNERS = join(ROOT, 'src', 'runners');

interface WarmRun {
  calls: number;
  /** Median batch, per invocation. */
  cpuNs: number;
  cpuMeanNs: number;
  wallNs: number;
  p50Ns: number;
  p99Ns: number;
  perEventMeanNs: number[];
  statuses: (number | null)[];
  valid: boolean[];
}

interface Row extends Variant {
  bundles?: VariantBundles;
  error?: string;
  cold: number[];
  coldStatus?: number;
  warm: WarmRun[];
}

interface Harness {
  id: HarnessId;
  label: string;
  mix: MixEntry[];
  eventsFile: string;
  rows: Row[];
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  const loadBefore = loadavg()[0]!;
  const harnesses: Harness[] = [];
  for (const { id, label } of HARNESSES) {
    const mix = buildMix(id);
    const eventsFile = join(OUT_DIR, `${id}-events.json`);
    writeFileSync(eventsFile, JSON.stringify(mix, null, 2));
    const rows: Row[] = [];
    for (const v of VARIANTS) {
      const row: Row = { ...v, cold: [], warm: [] };
      try {
        row.bundles = await bundleVariant(id, v.id);
      } catch (err) {
        row.error = `bundle failed: ${(err as Error).message.split('\n')[0]}`;
      }
      rows.push(row);
    }
    harnesses.push({ id, label, mix, eventsFile, rows });
  }
  let surface: { app: BundleInfo; routerHelpers: BundleInfo } | undefined;
  try {
    surface = await bundlePorticoSurfaces();
  } catch {
    // Reported as missing: the variant rows already carry the bundling error.
  }

  // Cold: one fresh process per variant per iteration, interleaved, so drift on a noisy box hits all alike.
  log(`cold start: ${COLD_RUNS} fresh processes per variant and harness`);
  for (let i = 0; i < COLD_RUNS; i++) {
    for (const h of harnesses) {
      for (const row of h.rows.filter((r) => r.bundles)) {
        const r = await runNode([join(RUNNERS, 'cold.mjs'), join(ROOT, row.bundles!.full.file), h.eventsFile]);
        if (r.code !== 0) {
          row.error = `cold run failed: ${lastLine(r.stderr)}`;
          continue;
        }
        const { ns, status } = JSON.parse(r.stdout) as { ns: number; status: number };
        row.cold.push(ns);
        row.coldStatus = status;
      }
    }
  }

  log(`warm: ${WARM_ROUNDS} round(s): ${WARMUP_MIXES} warm-up mixes, then ${MEASURED_MIXES} mixes on CPU time, per variant and harness`);
  for (let round = 0; round < WARM_ROUNDS; round++) {
    for (const h of harnesses) {
      for (const row of h.rows.filter((r) => r.bundles)) {
        const args = [join(RUNNERS, 'warm.mjs'), join(ROOT, row.bundles!.full.file), h.eventsFile, String(WARMUP_MIXES), String(MEASURED_MIXES)];
        const r = await runNode(args);
        if (r.code !== 0) {
          row.error = `warm run failed: ${lastLine(r.stderr)}`;
          continue;
        }
        row.warm.push(JSON.parse(r.stdout) as WarmRun);
      }
    }
  }

  const load = `1-min load average ${loadBefore.toFixed(1)} before, ${loadavg()[0]!.toFixed(1)} after`;
  const md = report(harnesses, surface, load);
  writeFileSync(join(ROOT, 'results', 'http.md'), md);
  process.stdout.write(`\n${md}\n`);
}

const usable = (r: Row | undefined): r is Row => !!r && !r.error && r.warm.length > 0 && r.cold.length > 0;
const cpu = (r: Row) => median(r.warm.map((w) => w.cpuNs));
const p99 = (r: Row) => median(r.warm.map((w) => w.p99Ns));
const cold = (r: Row) => median(r.cold);

/** Figures one harness's tables and targets are made of; "net" is net of the empty handler, which pays the harness. */
function figures(h: Harness) {
  const byId = new Map(h.rows.map((r) => [r.id, r]));
  const floor = byId.get('floor');
  const floorCold = usable(floor) ? cold(floor) : 0;
  const floorCpu = usable(floor) ? cpu(floor) : 0;
  const coldNet = (r: Row) => cold(r) - floorCold;
  const cpuNet = (r: Row) => cpu(r) - floorCpu;
  const base = byId.get('switch');
  const middy6 = byId.get('middy6');
  return { byId, floorCold, coldNet, cpuNet, base, middy6 };
}

function harnessTable(h: Harness): string {
  const { coldNet, cpuNet, base, middy6 } = figures(h);
  const rows = h.rows.map((r) => {
    if (!r.bundles || !usable(r)) return [r.label, r.bundles ? kb(r.bundles.full.gzipBytes) : '–', '–', '–', '–', '–', '–', '–', '–', '–', r.error ?? 'not run'];
    const statusOk = h.mix.filter((m, i) => r.warm[0]!.statuses[i] === m.expected).length;
    const floor = r.id === 'floor';
    return [
      r.label,
      kb(r.bundles.full.gzipBytes),
      ms(cold(r)),
      floor ? '–' : ms(coldNet(r)),
      usable(base) && !floor ? `${(coldNet(r) / coldNet(base)).toFixed(2)}x` : '–',
      us(cpu(r)),
      floor ? '–' : us(cpuNet(r)),
      usable(base) && !floor ? `${(cpuNet(r) / cpuNet(base)).toFixed(2)}x` : '–',
      usable(middy6) && !floor ? `${(cpuNet(middy6) / cpuNet(r)).toFixed(2)}x` : '–',
      us(p99(r)),
      r.reference ? 'n/a' : `${statusOk}/${h.mix.length}`,
    ];
  });
  return table(
    [
      'variant',
      'gzip KB',
      'import + 1st call, ms',
      'net of empty handler, ms',
      'cold vs switch (net)',
      'warm CPU µs/inv',
      'net of empty handler, µs',
      'warm cost vs switch (net)',
      'Middy 6 cost ÷ this (net)',
      'p99 µs',
      'statuses as expected',
    ],
    rows,
    ['l'],
  );
}

function targetRows(h: Harness): string[][] {
  const { byId, coldNet, cpuNet, base, middy6 } = figures(h);
  const portico = byId.get('portico');
  if (!usable(portico) || !usable(base) || !usable(middy6)) return [[h.id, 'not evaluated: @portico/http, the switch or Middy 6 did not run', '–']];
  const coldRatio = coldNet(portico) / coldNet(base);
  const warmRatio = cpuNet(portico) / cpuNet(base);
  const overMiddy = cpuNet(middy6) / cpuNet(portico);
  return [
    [`${h.id}: import + 1st call ≤ 1.5x the switch (net of the empty handler)`, `${coldRatio.toFixed(2)}x (${ms(coldNet(portico))} vs ${ms(coldNet(base))} ms)`, pass(coldRatio <= 1.5)],
    [`${h.id}: warm CPU per invocation ≤ 1.3x the switch (net)`, `${warmRatio.toFixed(2)}x (${us(cpuNet(portico))} vs ${us(cpuNet(base))} µs)`, pass(warmRatio <= 1.3)],
    [`${h.id}: warm ≥ 5x cheaper than Middy 6 (net)`, `${overMiddy.toFixed(2)}x (${us(cpuNet(middy6))} vs ${us(cpuNet(portico))} µs)`, pass(overMiddy >= 5)],
  ];
}

function statusTable(h: Harness): string {
  const contenders = h.rows.filter((r) => !r.reference);
  const rows = h.mix.map((m, i) => [
    m.name,
    String(m.expected),
    ...contenders.map((r) => {
      const got = r.warm[0]?.statuses[i];
      if (got === undefined) return '–';
      const valid = r.warm[0]!.valid[i] ? '' : ' (invalid result)';
      return got === m.expected ? `${got}${valid}` : `**${got}**${valid}`;
    }),
  ]);
  return table(['event', 'expected', ...contenders.map((r) => r.label)], rows, ['l']);
}

function perEventTable(h: Harness): string {
  const shown = h.rows.filter((r) => r.id !== 'schema-only');
  const rows = h.mix.map((m, i) => [m.name, ...shown.map((r) => (usable(r) ? us(median(r.warm.map((w) => w.perEventMeanNs[i]!))) : '–'))]);
  return table(['event', ...shown.map((r) => r.label)], rows, ['l']);
}

function sideBySide(harnesses: Harness[]): string {
  const labels = harnesses[0]!.rows.filter((r) => r.id !== 'floor').map((r) => [r.id, r.label] as const);
  const cell = (h: Harness, id: string, what: 'warm' | 'cold') => {
    const { byId, coldNet, cpuNet, base } = figures(h);
    const r = byId.get(id);
    if (!usable(r) || !usable(base)) return '–';
    return what === 'warm'
      ? `${us(cpuNet(r))} µs (${(cpuNet(r) / cpuNet(base)).toFixed(2)}x)`
      : `${ms(coldNet(r))} ms (${(coldNet(r) / coldNet(base)).toFixed(2)}x)`;
  };
  return table(
    ['variant', ...harnesses.map((h) => `${h.id}: warm CPU/inv, net (x switch)`), ...harnesses.map((h) => `${h.id}: import + 1st call, net (x switch)`)],
    labels.map(([id, label]) => [label, ...harnesses.map((h) => cell(h, id, 'warm')), ...harnesses.map((h) => cell(h, id, 'cold'))]),
    ['l'],
  );
}

function report(harnesses: Harness[], surface: { app: BundleInfo; routerHelpers: BundleInfo } | undefined, load: string): string {
  const mismatches: string[] = [];
  for (const h of harnesses) {
    for (const r of h.rows.filter((x) => !x.reference)) {
      r.warm[0]?.statuses.forEach((s, i) => {
        if (s !== h.mix[i]!.expected) mismatches.push(`- ${h.id}, ${r.label}: ${h.mix[i]!.name} answered ${s}, expected ${h.mix[i]!.expected}`);
        if (!r.warm[0]!.valid[i]) mismatches.push(`- ${h.id}, ${r.label}: ${h.mix[i]!.name} returned an invalid proxy result`);
      });
    }
  }
  const cpuModel = cpus()[0]?.model ?? 'unknown CPU';
  const porticoSize = harnesses[0]!.rows.find((r) => r.id === 'portico')?.bundles;
  return [
    '# @portico/http against peers: two harnesses, one run',
    '',
    `Generated by \`pnpm --filter @portico/benchmarks bench:http\` on ${new Date().toISOString().slice(0, 16)}Z — Node ${process.version}, ${cpus().length} × ${cpuModel}, ${load}.`,
    'Two independent APIs, each written once per variant with its own valibot schemas and answering its own event mix',
    '(built with `createProxyEvent`; see `benchmarks/src/shared/events.ts`): **users** (a gateway resource per route, so',
    'events carry `resource` and `pathParameters`; HTTP/2 header names) and **orders** (one function behind',
    '`ANY /{proxy+}`, so every variant routes the path; HTTP/1.1 header casing, two allowed origins with credentials, a',
    'query schema, nested body schemas, a 405). In both, CORS is on in every variant, most requests come from an allowed',
    'browser origin, and the mix holds validation failures next to successes, path parameters, query strings, a',
    'preflight and 404s. The stores are synchronous fixed-data stubs: this measures framework overhead, not a database.',
    'Bundles: esbuild, minified, platform node, target node22, ESM. Timings are noisy on a shared 2-core box: compare',
    'rows of one run, not runs.',
    '',
    `- Cold: ${COLD_RUNS} fresh \`node\` processes per variant and harness, interleaved; \`import()\` + the first call (the`,
    '  mix\'s first event) timed inside the process; median, then read net of the empty handler (which pays the same ESM',
    '  import and awaited call).',
    `- Warm: ${WARM_ROUNDS} round(s); per round and variant one fresh process: a checked pass (the statuses below), ${WARMUP_MIXES}`,
    `  warm-up mixes, then up to ${MEASURED_MIXES} mixes (a slow variant stops after 20 batches and 2 s) timed on CPU time`,
    '  (`process.cpuUsage()`, user + system, GC threads included) in batches of 50 mixes, each event cloned just before',
    '  its call (as the runtime parses each event just before it). Per process the median batch (robust to the bursts of',
    '  other processes on a shared box; every batch pays its own scavenges), then the median of the rounds, read net of',
    '  the empty handler, which pays the same clone and await. p99 and the per-event table come from a shorter pass timed',
    '  per call with `hrtime`. Logging is silenced in every variant.',
    '',
    '## Side by side',
    '',
    sideBySide(harnesses),
    '',
    '## Targets',
    '',
    table(
      ['target for @portico/http', 'measured', 'result'],
      [
        ...harnesses.flatMap(targetRows),
        surface
          ? [
              'router + helpers ≤ 3 KB gzip (valibot external)',
              `${int(surface.routerHelpers.gzipBytes)} B gzip (${int(surface.routerHelpers.bytes)} B minified)`,
              pass(surface.routerHelpers.gzipBytes <= 3 * 1024),
            ]
          : ['router + helpers ≤ 3 KB gzip (valibot external)', 'not measured (bundling failed)', '–'],
      ],
      ['l', 'l', 'l'],
    ),
    '',
    ...harnesses.flatMap((h) => [`## ${h.label}`, '', harnessTable(h), '']),
    '## Status per event (bold = not what a correct REST API answers)',
    '',
    ...harnesses.flatMap((h) => [`### ${h.id}`, '', statusTable(h), '']),
    mismatches.length ? mismatches.join('\n') : 'No mismatches.',
    '',
    '## Warm cost per event, mean µs (per-call hrtime pass)',
    '',
    ...harnesses.flatMap((h) => [`### ${h.id}`, '', perEventTable(h), '']),
    "## @portico/http's size (valibot external)",
    '',
    surface
      ? table(
          ['what', 'min bytes', 'gzip bytes'],
          [
            ['router + helpers (router, `defineRoute`, response helpers with the result check, error classes)', int(surface.routerHelpers.bytes), int(surface.routerHelpers.gzipBytes)],
            ['the whole runtime `createApp` brings (request conversion, body parsing, validation glue, CORS, problems, 5xx log)', int(surface.app.bytes), int(surface.app.gzipBytes)],
            ...(porticoSize ? [['the users variant, routes and stub included', int(porticoSize.noSchema.bytes), int(porticoSize.noSchema.gzipBytes)]] : []),
          ],
          ['l'],
        )
      : 'Not available.',
    '',
    surface
      ? table(
          ['runtime source file', 'min bytes'],
          Object.entries(surface.app.porticoFiles)
            .sort((a, b) => b[1] - a[1])
            .map(([f, b]) => [f, int(b)]),
          ['l'],
        )
      : '',
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
