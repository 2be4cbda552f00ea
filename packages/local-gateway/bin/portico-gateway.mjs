#!/usr/bin/env node
// The installed `portico-gateway` command. A committed launcher, so the bin exists from `pnpm install` on (before the
// first build) and pnpm can link it; the CLI itself is the built dist/cli.js.
import '../dist/cli.js';
