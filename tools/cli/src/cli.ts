/**
 * `portico build [--watch] [--outdir DIR]`   in an app's folder: its Lambda bundle, zip, build-meta.json, openapi.json
 * `portico dev [api...]`                      serve every API (or those named) locally; PORT, HOST override
 */
import { loadApi, findRepoRoot, apiFolderOf } from '@portico/infra';
import { parseArgs } from 'node:util';
import { buildApp, formatBytes, watchApp } from './build';
import { startDev } from './dev';

const USAGE = `usage: portico <command>

  build [--watch] [--outdir DIR]   build the API of the folder you are in (default outdir: dist/)
  dev [api...]                     serve every API under apps/ (or those named) like API Gateway would;
                                   PORT (first API; 0 = free ports), HOST, PORTICO_DATA_DIR, PORTICO_DEV_DIR override
  new <name>                       scaffold apps/<name>: routes, handler, store, tests, portico.config.ts`;

/** Runs one command; resolves to the exit code (dev and watch builds resolve when stopped). */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'build':
      return build(rest);
    case 'dev':
      return dev(rest);
    case undefined:
    case '-h':
    case '--help':
      console.log(USAGE);
      return command === undefined ? 2 : 0;
    default:
      console.error(`Unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

async function build(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({ args: [...argv], options: { watch: { type: 'boolean', default: false }, outdir: { type: 'string' } } });
  const cwd = process.cwd();
  const dir = apiFolderOf(cwd, findRepoRoot(cwd));
  if (!dir) throw new Error(`${cwd} is not inside an API folder (apps/<name>/portico.config.ts)`);
  const { config } = await loadApi(dir);
  if (values.watch) {
    const watching = watchApp(config, dir, values.outdir ? { outdir: values.outdir } : {});
    await watching.ready;
    console.log(`${config.name}: watching its sources, rebuilding ${watching.outdir} (Ctrl-C to stop)`);
    await untilStopped();
    await watching.close();
    return 0;
  }
  const report = await buildApp(config, dir, values.outdir ? { outdir: values.outdir } : {});
  const { meta } = report;
  console.log(
    [
      `${config.name} → ${report.outdir} in ${report.ms} ms`,
      `  ${meta.bundle.file.padEnd(16)} ${formatBytes(meta.bundle.bytes).padStart(10)}   gzip ${formatBytes(meta.bundle.gzipBytes)}`,
      `  ${meta.zip.padEnd(16)} ${formatBytes(meta.bytes).padStart(10)}   sha256 ${meta.sha256}`,
      '  openapi.json',
      '  largest inputs:',
      ...report.largest.map(({ path, bytes }) => `    ${formatBytes(bytes).padStart(10)}  ${path}`),
    ].join('\n'),
  );
  return 0;
}

async function dev(argv: readonly string[]): Promise<number> {
  const names = argv.filter((arg) => arg !== '--');
  const env = process.env;
  const server = await startDev({
    apis: names,
    ...(env.PORT ? { port: Number(env.PORT) } : {}),
    ...(env.HOST ? { host: env.HOST } : {}),
    ...(env.PORTICO_DATA_DIR ? { dataDir: env.PORTICO_DATA_DIR } : {}),
    ...(env.PORTICO_DEV_DIR ? { workDir: env.PORTICO_DEV_DIR } : {}),
  });
  for (const api of server.apis) console.log(`dev: ${api.name} ready at ${api.url}`);
  console.log('dev: Ctrl-C to stop');
  await untilStopped();
  console.log('dev: stopping…');
  await server.close();
  // pnpm (since 10.16) reports any script it saw interrupted as failed, whatever the script did: say it plainly.
  console.log('dev: stopped; nothing left running');
  return 0;
}

/**
 * Resolves on the first Ctrl-C or SIGTERM. Later signals are ignored while the caller shuts down: a terminal's Ctrl-C
 * reaches every process of the group, and `pnpm` passes it on once more, so a second SIGINT arrives at once and must
 * not cut the clean stop short (it would also make pnpm report the run as failed).
 */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const stop = () => {
      if (stopping) return;
      stopping = true;
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
