/**
 * A package as it is published, for a test of what a consumer outside the repository gets: `pnpm pack`'s tarball
 * unpacked into a scratch project (its runtime dependencies linked from the package's own install), run by plain
 * Node and type-checked by tsc with Node's own module resolution. Catches what the workspace hides: a missing file,
 * an `exports` or `types` entry that points nowhere, an import without the `.js` Node's ESM needs.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const TSC = createRequire(import.meta.url).resolve('typescript/lib/tsc.js');

/** A scratch project with one package installed from its tarball. */
export interface PackedProject {
  /** The project's folder. */
  readonly dir: string;
  /** The files the tarball installed, relative to the package's folder, sorted. */
  readonly files: readonly string[];
  /** Writes `file` (an ES module) into the project and runs it with plain Node. */
  run(file: string, source: string): { stdout: string; stderr: string; status: number | null };
  /**
   * Writes `file` and type-checks it alone, strict, under `NodeNext` resolution with the DOM's fetch types; answers
   * tsc's error lines (none when it checks).
   */
  typecheck(file: string, source: string): string[];
  /** Deletes the project. */
  remove(): void;
}

/**
 * Packs the package in `packageDir` and installs the tarball into a new project outside the repository. Run the
 * package's build first.
 *
 * @example
 * const project = installPacked(join(__dirname, '..'));
 * expect(project.run('consumer.mjs', "import '@portico/orders-api-client';").stderr).toBe('');
 * project.remove();
 */
export function installPacked(packageDir: string): PackedProject {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; dependencies?: Record<string, string> };
  const dir = mkdtempSync(join(tmpdir(), 'portico-pack-'));
  const packDir = join(dir, 'pack');
  execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: packageDir, stdio: 'pipe' });
  const installed = join(dir, 'node_modules', ...manifest.name.split('/'));
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', join(packDir, readdirSync(packDir)[0]!), '-C', installed, '--strip-components=1']);
  for (const name of Object.keys(manifest.dependencies ?? {})) {
    const link = join(dir, 'node_modules', ...name.split('/'));
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(realpathSync(join(packageDir, 'node_modules', name)), link, 'dir');
  }
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  return {
    dir,
    files: readdirSync(installed, { recursive: true }).map(String).sort(),
    run(file, source) {
      writeFileSync(join(dir, file), source);
      const { stdout, stderr, status } = spawnSync(process.execPath, [file], { cwd: dir, encoding: 'utf8' });
      return { stdout, stderr, status };
    },
    typecheck(file, source) {
      writeFileSync(join(dir, file), source);
      const compilerOptions = { strict: true, module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', lib: ['ES2023', 'DOM'], types: [], noEmit: true, skipLibCheck: true };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [file] }));
      const check = spawnSync(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir, encoding: 'utf8' });
      return check.stdout.split('\n').filter((line) => line.trim() !== '');
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
