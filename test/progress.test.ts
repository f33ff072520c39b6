import t from 'tap';
import { createProgress } from '../src/cli/progress.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 200, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

t.test('on a terminal: one bar redrawn in place, then a newline', async (t) => {
  const { stream, writes } = fakeStream(true);
  const progress = createProgress('refresh', stream);
  progress.step(1, 4, '2024-01..2024-03: recomputed 91 days');
  progress.step(2, 4, '2024-04..2024-06: already fresh');
  progress.finish();
  t.equal(writes.length, 3);
  // each redraw: carriage return, erase the line (ESC [2K), then the bar
  const redraw = '\r\u001b[2K';
  t.ok(writes[0]?.startsWith(redraw) && writes[1]?.startsWith(redraw));
  t.match(writes[0]?.slice(redraw.length), /^refresh \[#{6}\.{18}\] 1\/4 [\d.]+\/s, ETA \d+s 2024-01\.\.2024-03: recomputed 91 days$/);
  t.match(writes[1]?.slice(redraw.length), /^refresh \[#{12}\.{12}\] 2\/4 /);
  t.equal(writes[2], '\n');
});

t.test('elsewhere (logs, pipes): one plain line per step, no control characters', async (t) => {
  const { stream, writes } = fakeStream(false);
  const progress = createProgress('refresh', stream);
  progress.step(1, 2, '2024-01..2024-03: recomputed 91 days');
  progress.step(2, 2, '2024-04..2024-06: already fresh');
  progress.finish();
  t.equal(writes.length, 2);
  t.match(writes[0], /^refresh: 1\/2 2024-01\.\.2024-03: recomputed 91 days \([\d.]+\/s, ETA \d+s\)\n$/);
  t.notOk(writes.join('').includes('\u001b'), 'no escape sequences');
});
