// 0003: what the scheduler and the backfill need in schema analytics (issue
// "Scheduled refresh with pg-boss"): due buckets, batch refresh with a run
// log, and the refresh_status view. pg-boss's own tables live in their own
// schema (analytics_jobs by default) and are created by pg-boss at start.
import { readFileSync } from 'node:fs';

const read = (file) => readFileSync(new URL(`./0003_scheduler/${file}`, import.meta.url), 'utf8');

export const up = (pgm) => {
  pgm.sql(read('refresh-buckets.sql'));
};

export const down = (pgm) => {
  pgm.sql(read('down.sql'));
};
