#!/usr/bin/env node
// `portico build | dev | new`. The tool is TypeScript run as is, through tsx's loader, like the apps it builds.
import { register } from 'tsx/esm/api';

// cdktf (archived upstream) still calls util.isArray; its deprecation notice is noise in every run, not news.
process.noDeprecation = true;

register();
const { main } = await import('../src/cli.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`portico: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
