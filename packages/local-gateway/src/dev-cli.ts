/**
 * Entry point of `pnpm dev`: PORT, HOST, STAGE, PORTICO_DATA_DIR, PORTICO_DEV_DIR and PORTICO_APP_DIR override the
 * defaults (3000, 127.0.0.1, dev, <repo>/.portico/dynamodb, <repo>/.portico/dev, <repo>/apps/users-api). Ctrl-C stops the gateway, the build watcher and dynalite, in that order.
 */
import { startDev } from './dev';

async function main(): Promise<void> {
  const dev = await startDev({
    port: process.env.PORT ? Number(process.env.PORT) : undefined,
    host: process.env.HOST || undefined,
    stage: process.env.STAGE || undefined,
    dataDir: process.env.PORTICO_DATA_DIR || undefined,
    workDir: process.env.PORTICO_DEV_DIR || undefined,
    appDir: process.env.PORTICO_APP_DIR || undefined,
  });
  console.log(`dev: ready at ${dev.url} (Ctrl-C to stop)`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('dev: stopping…');
    void dev.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`dev: ${(error as Error).stack ?? String(error)}`);
  process.exit(1);
});
