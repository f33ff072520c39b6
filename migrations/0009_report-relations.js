// 0009: every report where its users look. Schema analytics_report
// holds one relation per report grain for DBAs and BI tools, over the
// rollups; analytics.user_known() lets the API tell an unknown learner from
// an inactive one. The files are in migrations/0009_report-relations/, applied in order.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['01-schema.sql', '02-platform.sql', '03-content.sql', '04-users.sql', '07-column-comments.sql', '08-user-known.sql', '09-access.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0009_report-relations/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0009_report-relations/down.sql'));
};
