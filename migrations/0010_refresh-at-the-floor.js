// 0010: rebuild, refresh and reads closer to the floor. Faster
// bodies for four compute_*() functions (same rows), the distinct-user
// rollups derived from daily_user_activity, and refresh_pending() recomputing
// them only for days whose active users changed. The files are in
// migrations/0010_refresh-at-the-floor/, applied in order.
// Down re-applies refresh_pending() of 0008 (migrations/0008_refresh-writes-only-changes/refresh.sql)
// and drops the derive_*() functions; it keeps the compute_*() bodies, which
// return the same rows as the ones they replaced.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['01-compute.sql', '02-derive.sql', '03-refresh.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0010_refresh-at-the-floor/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0008_refresh-writes-only-changes/refresh.sql'));
  pgm.sql(read('0010_refresh-at-the-floor/down.sql'));
};
