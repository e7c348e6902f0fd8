#!/usr/bin/env node
// The installed CLI: plain node on the built JavaScript (dist/, made by `npm run build`, which
// `prepare` runs on install from git and on `npm pack`). From a source checkout without a build,
// run `npm run thermodiff -- <command>` (tsx) instead.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
