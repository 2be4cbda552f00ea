/**
 * `@portico/cli/testing`: what a test needs from the portico command — `pnpm dev` in a process of its own, for a
 * client's end-to-end test.
 */
export { startDevProcess, type DevProcess, type DevApi } from './dev-process';
