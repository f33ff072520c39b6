// 0006: change capture fit for a busy primary (issue "Safe on a live
// platform, part 1"): static statement- and row-level triggers that fire
// also under session_replication_role = replica and on TRUNCATE, a log of
// instants turned into local days under the refresh lock, freshness checks
// through an index, and the injectable clock analytics.local_today().
//
// Released migrations are frozen: this one applies migrations/0006_change-capture/, and the
// files it and the earlier migrations read are pinned by test/frozen.test.ts.
// Down removes the capture and re-applies the earlier definitions from the
// frozen files of 0002, 0003 and 0005, keeping the refresh run log.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

export const up = (pgm) => {
  for (const file of ['01-log.sql', '02-triggers.sql', '03-refresh.sql', '04-buckets.sql']) pgm.sql(read(`0006_change-capture/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0005_admin-api/down.sql'));
  pgm.sql('create temporary table refresh_runs_0006 on commit drop as select * from analytics.refresh_runs');
  pgm.sql(read('0003_scheduler/down.sql'));
  pgm.sql(read('0006_change-capture/down.sql'));
  pgm.sql(read('0002_sql-core/01-invalidation-log.sql'));
  pgm.sql(read('0002_sql-core/04-refresh.sql'));
  pgm.sql(read('0002_sql-core/07-sources.sql'));
  pgm.sql(read('0002_sql-core/08-access.sql'));
  pgm.sql(read('0003_scheduler/refresh-buckets.sql'));
  pgm.sql(`insert into analytics.refresh_runs overriding system value select * from pg_temp.refresh_runs_0006;
           select setval(pg_get_serial_sequence('analytics.refresh_runs', 'id'), greatest(max(id), 1)) from analytics.refresh_runs;`);
  pgm.sql(read('0005_admin-api/metrics.sql'));
};
