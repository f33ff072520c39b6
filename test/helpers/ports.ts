// A free TCP port on 127.0.0.1 for a test's own server. Taken at random
// below Linux's ephemeral range (32768-60999), where listen(0) and every
// client socket take theirs: a port a test releases to restart its server
// on (scheduler-faults) cannot be handed out to another test meanwhile, as
// listen(0) would. Checked by binding it once.
import { createServer } from 'node:net';

const FIRST = 20_000;
const COUNT = 12_000;

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = FIRST + Math.floor(Math.random() * COUNT);
    if (await bindable(port)) return port;
  }
  throw new Error(`no free port found in ${FIRST}-${FIRST + COUNT - 1} after 50 tries`);
}
