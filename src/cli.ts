#!/usr/bin/env node
import { runCli } from './cli/run.ts';

// Exit explicitly with the command's code: a handle a library left open (a
// timer, an idle socket) must not keep the CLI alive.
process.exit(await runCli(process.argv.slice(2)));
