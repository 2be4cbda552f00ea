// One cold start in a fresh process: import the bundle and invoke the mix's first event once, timed in-process.
// `node cold.mjs - <events.json>` is the bare-node baseline: same process, same file read, no bundle.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { context } from './lambda-context.mjs';

const [bundle, eventsFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventsFile, 'utf8'))[0].event;

const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
let status = 0;
if (bundle !== '-') {
  const { handler } = await import(pathToFileURL(bundle).href);
  status = (await handler(event, context)).statusCode;
}
const ns = Number(process.hrtime.bigint() - start);
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ ns, cpuNs: (cpu.user + cpu.system) * 1000, status }));
