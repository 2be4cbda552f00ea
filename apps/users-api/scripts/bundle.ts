/**
 * The handler bundle as `portico build` makes it (tools/cli), with what only the cold-init measurement needs on top
 * (`scripts/measure-init.ts`): modules swapped for a candidate's, and the baseline's ES-module built-ins. Every
 * variant is the shipped build but for the one module it swaps, so the measurement measures what ships.
 */
import { builtinsPlugin, bundleOptions as porticoBundleOptions } from '@portico/cli';
import type { BuildOptions, Plugin } from 'esbuild';
import { resolve as resolvePath } from 'node:path';

export { BUNDLE_FILE, formatBytes, packageBundle } from '@portico/cli';

/** What a variant swaps: a package name (`@portico/dynamodb`) or an app-relative file → the file standing in for it. */
export type ModuleSwaps = Readonly<Record<string, string>>;

export interface BundleSettings {
  /** @default {} (the shipped sources) */
  swaps?: ModuleSwaps;
  /**
   * Leave `import … from 'node:http'` (and every other built-in) as ES module imports, as esbuild does by default,
   * instead of `process.getBuiltinModule`. Only the baseline build sets it, to stay the build it was. @default false
   */
  esmBuiltins?: boolean;
}

/** esbuild options for one variant of the handler bundle of the app at `packageDir`, written to `outdir`. */
export function bundleOptions(packageDir: string, outdir: string, settings: BundleSettings = {}): BuildOptions & { metafile: true } {
  const options = porticoBundleOptions(packageDir, outdir);
  const plugins: Plugin[] = [];
  if (settings.swaps && Object.keys(settings.swaps).length > 0) plugins.push(swapPlugin(packageDir, settings.swaps));
  if (!settings.esmBuiltins) plugins.push(builtinsPlugin);
  return { ...options, plugins };
}

function swapPlugin(packageDir: string, swaps: ModuleSwaps): Plugin {
  // A key is a package name (`@portico/dynamodb`) or a file path relative to the app (`../../packages/…/sigv4.ts`).
  const isPath = (key: string) => key.startsWith('.') || key.includes('/src/') || key.endsWith('.ts');
  const byPath = new Map(
    Object.entries(swaps)
      .filter(([from]) => isPath(from))
      .map(([from, to]) => [resolvePath(packageDir, from).replace(/\.ts$/, ''), resolvePath(packageDir, to)]),
  );
  const byName = new Map(Object.entries(swaps).filter(([from]) => !isPath(from)).map(([from, to]) => [from, resolvePath(packageDir, to)]));
  return {
    name: 'swap-modules',
    setup(build) {
      build.onResolve({ filter: /^\./ }, (args) => {
        const swapped = byPath.get(resolvePath(args.resolveDir, args.path).replace(/\.ts$/, ''));
        // A stand-in may import what it stands in for (its types, its error class): that import is not swapped.
        return swapped && swapped !== args.importer ? { path: swapped } : undefined;
      });
      build.onResolve({ filter: /^[@a-z]/ }, (args) => {
        const swapped = byName.get(args.path);
        return swapped && swapped !== args.importer ? { path: swapped } : undefined;
      });
    },
  };
}
