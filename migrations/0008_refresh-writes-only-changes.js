// 0008: refresh_pending() writes only the rollup rows whose values change
// (issue "Safe on a live platform, part 2", item 5: rollups do not bloat).
// A whole-history recomputation of unchanged data used to delete and
// re-insert every row; now it writes none. Results are unchanged.
// Down re-applies the frozen definition of 0006 (migrations/0006_change-capture/03-refresh.sql)
// and keeps the search paths 0007 closed.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

export const up = (pgm) => {
  pgm.sql(read('0008_refresh-writes-only-changes/refresh.sql'));
};

export const down = (pgm) => {
  pgm.sql(read('0006_change-capture/03-refresh.sql'));
  pgm.sql(read('0008_refresh-writes-only-changes/down.sql'));
};
