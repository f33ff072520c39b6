// 0013: reads at the floor, continued. An index on
// public.users (created_at), so today's signups are an index range rather
// than a scan of every user; retention() adds the live days' users to its
// stored cells instead of recomputing the live weeks; user_activity_metrics()
// reads a user's days as they are. Files in migrations/0013_reads-reaching-today/, in order. Down
// re-applies the report functions of 0011 (migrations/0011_reads-at-the-floor/01-reports.sql),
// then drops what 0013 added.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['01-signups-index.sql', '02-retention.sql', '03-user-activity.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0013_reads-reaching-today/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0011_reads-at-the-floor/01-reports.sql'));
  pgm.sql(read('0013_reads-reaching-today/down.sql'));
};
