// Warm invocations in one fresh process: loop the event mix, time each call with hrtime, report the distribution.
// `node warm.mjs <bundle.mjs> <events.json> <warmupMixes> <measuredMixes>` prints one JSON line.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cloneEvent, context, isValidProxyResult, silenceConsole } from './lambda-context.mjs';

const [bundle, eventsFile, warmupArg, mixesArg] = process.argv.slice(2);
const mix = JSON.parse(readFileSync(eventsFile, 'utf8')).map((m) => m.event);
const warmup = Number(warmupArg);
const mixes = Number(mixesArg);

silenceConsole();
const { handler } = await import(pathToFileURL(bundle).href);

// One checked pass first: statuses and result validity per event, before the JIT has seen anything.
const statuses = [];
const valid = [];
for (const event of mix) {
  const result = await handler(cloneEvent(event), context);
  statuses.push(result?.statusCode ?? null);
  valid.push(isValidProxyResult(result));
}

for (let i = 0; i < warmup; i++) for (const event of mix) await handler(cloneEvent(event), context);

const n = mixes * mix.length;
const samples = new Float64Array(n);
const perEvent = mix.map(() => 0);
let k = 0;
const wallStart = process.hrtime.bigint();
for (let i = 0; i < mixes; i++) {
  for (let j = 0; j < mix.length; j++) {
    const event = cloneEvent(mix[j]);
    const t0 = process.hrtime.bigint();
    await handler(event, context);
    const dt = Number(process.hrtime.bigint() - t0);
    samples[k++] = dt;
    perEvent[j] += dt;
  }
}
const wallNs = Number(process.hrtime.bigint() - wallStart);

let total = 0;
for (let i = 0; i < n; i++) total += samples[i];
samples.sort();
const pick = (q) => samples[Math.min(n - 1, Math.floor(q * n))];
process.stdout.write(
  JSON.stringify({
    calls: n,
    meanNs: total / n,
    p50Ns: pick(0.5),
    p99Ns: pick(0.99),
    wallNs,
    perEventMeanNs: perEvent.map((t) => t / mixes),
    statuses,
    valid,
  }),
);
