// Warm invocations in one fresh process. `node warm.mjs <bundle.mjs> <events.json> <warmupMixes> <measuredMixes>`
// prints one JSON line: statuses of a first checked pass, then CPU time per invocation over the measured mixes (user +
// system time of the whole process, GC threads included, read with process.cpuUsage around batches of 50 mixes; the
// median batch, and the mean), then a shorter pass timed per call with hrtime for p50/p99 and per-event means.
//
// Each event is cloned right before its call, inside the timed batch, as the Lambda runtime parses each event just
// before the call: cloning a whole batch ahead would keep hundreds of events alive in the young generation, and every
// scavenge would copy them, billing that copying to whichever variant allocates more. The floor variant pays the same
// clone and await, so the report reads every variant net of it.
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

// Batches until `mixes` are done, or sooner for a slow variant once it has 20 batches and 2 s of CPU time.
let cpuUs = 0;
let wallNs = 0;
let calls = 0;
const perBatch = [];
for (let done = 0; done < mixes && !(perBatch.length >= 20 && cpuUs > 2e6); done += BATCH_MIXES) {
  const n = Math.min(BATCH_MIXES, mixes - done);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) for (let j = 0; j < mix.length; j++) await handler(cloneEvent(mix[j]), context);
  wallNs += Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  cpuUs += cpu.user + cpu.system;
  calls += n * mix.length;
  perBatch.push(((cpu.user + cpu.system) * 1000) / (n * mix.length));
}
// The median batch: robust to the spikes a shared machine adds (another process's burst, a descheduled GC thread),
// while every batch still pays its own scavenges, which run every few hundred calls.
perBatch.sort((a, b) => a - b);
const cpuMedianNs = perBatch.length ? perBatch[perBatch.length >> 1] : 0;

// Per-call timing, for the distribution and the per-event table (each sample carries ~50 ns of timer cost).
const timedMixes = Math.max(1, Math.floor(calls / mix.length / 4));
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
    cpuNs: cpuMedianNs,
    cpuMeanNs: calls ? (cpuUs * 1000) / calls : 0,
    wallNs: calls ? wallNs / calls : 0,
    p50Ns: pick(0.5),
    p99Ns: pick(0.99),
    perEventMeanNs: perEvent.map((t) => t / timedMixes),
    statuses,
    valid,
  }),
);
