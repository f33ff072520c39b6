// 0021: a leaner logical-capture consumer. consume_capture() locates the
// values of a decoded row instead of copying them, drops an update whose
// captured columns kept their bytes (a heartbeat) before converting any
// value, and passes only the captured columns on; log_decoded_changes() no
// longer filters updates itself. The same log rows, for about half the
// server CPU per heartbeat (BENCHMARKS.md, "Capture modes"). The slot is
// made in one place, replace_logical_slot(), for use_logical_capture() and
// restart_logical_capture(). Files in
// migrations/0021_logical-capture-parse/, copies of sql/ as released;
// down.sql restores what 0020 had.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = [
  'log_decoded_changes.sql',
  'consume_capture.sql',
  'replace_logical_slot.sql',
  'restart_logical_capture.sql',
  'use_logical_capture.sql',
];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0021_logical-capture-parse/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0021_logical-capture-parse/down.sql'));
};
