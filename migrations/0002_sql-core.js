// 0002: the SQL core (issue "every metric of the spec as Postgres views and
// functions"). The SQL lives in migrations/0002_sql-core/, one concern per file, where a DBA
// reads it; this migration applies those files in order, in one transaction.
// A later change to one of them ships as a new migration that re-applies it.
import { readFileSync } from 'node:fs';

const FILES = [
  '00-settings.sql',
  '01-invalidation-log.sql',
  '02-rollups.sql',
  '03-compute.sql',
  '04-refresh.sql',
  '05-reports.sql',
  '06-verify.sql',
  '07-sources.sql',
  '08-access.sql',
];

const read = (file) => readFileSync(new URL(`./0002_sql-core/${file}`, import.meta.url), 'utf8');

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(file));
};

export const down = (pgm) => {
  pgm.sql(read('down.sql'));
};
