// 0012: a session update that keeps the session's id and started_at (it
// completes, is abandoned, ends later, changes user) no longer recomputes its
// day's criteria scores (one changed day). The log gets a column
// saying so (added to the catalog only, no rewrite), capture_sessions() sets
// it, and refresh_pending() reads it. Files in migrations/0012_session-updates-keep-criteria/, in order.
// Down re-applies refresh_pending() of 0010 (migrations/0010_refresh-at-the-floor/03-refresh.sql),
// then puts back the capture of 0006 and drops the column.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['01-log.sql', '02-capture.sql', '03-refresh.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0012_session-updates-keep-criteria/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0010_refresh-at-the-floor/03-refresh.sql'));
  pgm.sql(read('0012_session-updates-keep-criteria/down.sql'));
};
