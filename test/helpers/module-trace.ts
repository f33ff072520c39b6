// Preloaded with `node --import` by test/cli.test.ts: writes the URL of every
// module the process loaded to the file named by MODULE_TRACE_FILE, on exit.
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const loaded: string[] = [];
registerHooks({
  load(url, context, nextLoad) {
    loaded.push(url);
    return nextLoad(url, context);
  },
});
process.on('exit', () => writeFileSync(process.env.MODULE_TRACE_FILE!, loaded.join('\n')));
