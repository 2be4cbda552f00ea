// The one jest preset every package uses (`preset: "../.."` / `"../../"`).
// Transform: @swc/jest — type-strips TypeScript without type-checking (that is `pnpm typecheck`'s job),
// roughly 10x faster than ts-jest on a cold run, and needs no per-package tsconfig juggling.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // A hang guard, not a speed check: tests start processes, servers and browsers, and must pass on a loaded machine.
  testTimeout: 60_000,
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'cjs', 'json'],
  testMatch: ['<rootDir>/{src,test}/**/*.test.ts'],
  setupFiles: [require.resolve('./scripts/jest-setup.cjs')],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/cdktf.out/'],
  // Each package writes a machine-readable summary that .ci/run adds up into "N passed, N failed".
  reporters: ['default', [require.resolve('./scripts/jest-counts-reporter.cjs'), {}]],
};
