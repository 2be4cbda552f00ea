// Warm invocations in one fresh process. `node warm.mjs <bundle.mjs> <events.json> <warmupMixes> <measuredMixes>`
// prints one JSON line: statuses of a first checked pass, then CPU time per invocation over the measured mixes (user +
// system time of the whole process, GC threads included, read with process.cpuUsage around batches of pre-cloned
// events so the cloning stays outside), then a shorter pass timed per call with hrtime for p50/p99 and per-event means.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { cloneEvent, context, isValidProxyResult, silenceConsole } from './lambda-context.mjs';

const [bundle, eventsFile, warmupArg, mixesArg] = process.argv.slice(2);
const mix = JSON.parse(readFileSync(eventsFile, 'utf8')).map((m) => m.event);
const warmup = Number(warmupArg);
const mixes = Number(mixesArg);
const BATCH_MIXES = 50;

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

let cpuUs = 0;
let wallNs = 0;
let calls = 0;
for (let done = 0; done < mixes; done += BATCH_MIXES) {
  const batch = [];
  for (let i = 0; i < Math.min(BATCH_MIXES, mixes - done); i++) for (const event of mix) batch.push(cloneEvent(event));
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < batch.length; i++) await handler(batch[i], context);
  wallNs += Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  cpuUs += cpu.user + cpu.system;
  calls += batch.length;
}

// Per-call timing, for the distribution and the per-event table (each sample carries ~50 ns of timer cost).
const timedMixes = Math.max(1, Math.floor(mixes / 4));
const samples = new Float64Array(timedMixes * mix.length);
const perEvent = mix.map(() => 0);
let k = 0;
for (let i = 0; i < timedMixes; i++) {
  for (let j = 0; j < mix.length; j++) {
    const event = cloneEvent(mix[j]);
    const t0 = process.hrtime.bigint();
    await handler(event, context);
    const dt = Number(process.hrtime.bigint() - t0);
    samples[k++] = dt;
    perEvent[j] += dt;
  }
}
samples.sort();
const pick = (q) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))];

process.stdout.write(
  JSON.stringify({
    calls,
    cpuNs: calls ? (cpuUs * 1000) / calls : 0,
    wallNs: calls ? wallNs / calls : 0,
    p50Ns: pick(0.5),
    p99Ns: pick(0.99),
    perEventMeanNs: perEvent.map((t) => t / timedMixes),
    statuses,
    valid,
  }),
);
