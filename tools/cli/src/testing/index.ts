/**
 * `@portico/cli/testing`: what a client package's tests need from the portico command — `pnpm dev` in a process of
 * its own, and the package as it is published.
 */
export { startDevProcess, type DevProcess, type DevApi } from './dev-process';
export { installPacked, type PackedProject } from './packed';
