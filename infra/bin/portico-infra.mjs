#!/usr/bin/env node
// `portico-infra synth | plan | deploy`. Infra is TypeScript run as is (cdktf apps are), through tsx's loader.
import { register } from 'tsx/esm/api';

// cdktf (archived upstream) still calls util.isArray; its deprecation notice is noise in every run, not news.
process.noDeprecation = true;

register();
const { run } = await import('../src/cli.ts');
try {
  process.exitCode = await run(process.argv.slice(2));
} catch (error) {
  console.error(`portico-infra: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
