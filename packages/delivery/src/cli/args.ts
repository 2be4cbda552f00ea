import { parseArgs, type ParseArgsConfig } from 'node:util';

/** parseArgs with the usage text printed (and exit 2) on a bad flag, instead of a stack trace. */
export function parseCli<T extends NonNullable<ParseArgsConfig['options']>>(usage: string, options: T, argv = process.argv.slice(2)) {
  try {
    const parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if ((parsed.values as { help?: boolean }).help) {
      console.log(usage);
      process.exit(0);
    }
    return parsed as { values: { [K in keyof T]?: T[K]['type'] extends 'boolean' ? boolean : T[K]['multiple'] extends true ? string[] : string }; positionals: string[] };
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${usage}`);
    process.exit(2);
  }
}

/** The repo root, which the bin wrappers export; the current directory otherwise. */
export function repoRoot(): string {
  return process.env.PORTICO_REPO_ROOT ?? process.cwd();
}

/** Runs a CLI's main, turning a thrown error into one readable line and exit code 1. */
export function main(fn: () => Promise<number | void>): void {
  fn().then(
    (code) => {
      process.exitCode = code ?? 0;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? `error: ${error.message}` : error);
      process.exitCode = 1;
    },
  );
}
