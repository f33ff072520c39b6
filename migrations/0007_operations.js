// 0007: operations without surprises (issue "Safe on a live platform,
// part 2"): the reporting zone as database state changed by one explicit,
// atomic call; verify() against the platform tables only; every function's
// search_path closed with pg_temp and catalog names qualified. The files
// are in migrations/0007_operations/, applied in order; the search-path sweep runs last
// so it covers every function defined before it.
// Down re-applies the definitions 0006 left (frozen files); see
// migrations/0007_operations/down.sql for what it keeps.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['01-timezone.sql', '02-verify.sql', '09-search-path.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0007_operations/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0007_operations/down.sql'));
  pgm.sql(read('0002_sql-core/06-verify.sql'));
  // granted by 0002's 08-access.sql, which is not re-run
  pgm.sql('revoke execute on function analytics.verify(date, date) from public');
};
