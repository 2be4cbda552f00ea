/**
 * `portico build [--watch] [--outdir DIR]`   in an app's folder: its Lambda bundle, zip, build-meta.json, openapi.json
 * `portico dev [api...]`                      serve every API (or those named) locally; PORT, HOST override
 * `portico new <name> [--port N] [--region R] [--no-install] [--dry-run]`   scaffold apps/<name> (`pnpm create-api <name>`)
 */
import { loadApi, findRepoRoot, apiFolderOf } from '@portico/infra';
import { parseArgs } from 'node:util';
import { buildApp, formatBytes, watchApp } from './build';
import { startDev } from './dev';
import { createApi, nextSteps } from './new';

const USAGE = `usage: portico <command>

  build [--watch] [--outdir DIR]   build the API of the folder you are in (default outdir: dist/)
  dev [api...]                     serve every API under apps/ (or those named) like API Gateway would;
                                   PORT (first API; 0 = free ports), HOST, PORTICO_DATA_DIR, PORTICO_DEV_DIR override
  new <name> [--port N] [--region R] [--no-install] [--dry-run]
                                   scaffold apps/<name> (kebab-case): routes, handler, store, seed, tests,
                                   portico.config.ts; default port: the highest dev port of the declared APIs + 1,
                                   region us-east-1; --dry-run lists the files and writes nothing`;

/** Runs one command; resolves to the exit code (dev and watch builds resolve when stopped). */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'build':
      return build(rest);
    case 'dev':
      return dev(rest);
    case 'new':
      return scaffold(rest);
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

async function scaffold(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv].filter((arg) => arg !== '--'),
    allowPositionals: true,
    options: {
      port: { type: 'string' },
      region: { type: 'string' },
      'no-install': { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const [name, ...extra] = positionals;
  if (name === undefined || extra.length > 0) {
    console.error(`portico new takes one API name, e.g. \`pnpm create-api orders-api\`\n\n${USAGE}`);
    return 2;
  }
  if (values.port !== undefined && !/^\d{1,5}$/.test(values.port)) {
    console.error(`portico new: --port ${values.port}: use a whole number from 1 to 65535`);
    return 2;
  }
  const api = await createApi({
    name,
    ...(values.port !== undefined ? { port: Number(values.port) } : {}),
    ...(values.region !== undefined ? { region: values.region } : {}),
    install: !values['no-install'],
    dryRun: values['dry-run'],
  });
  for (const line of nextSteps(api)) console.log(line);
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
