// 0014: the first install is right in every zone. The marks an earlier
// release wrote as UTC midnights are replaced (nothing stored) or completed
// (stored signup days recounted) by marks that hold in any zone; a refresh
// before anything is stored reaches yesterday in one pass; pending_days()
// says what is not stored yet. Files in migrations/0014_first-install-marks/, in order. Down re-applies due_buckets() of 0006
// (migrations/0006_change-capture/04-buckets.sql), then drops pending_days().
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['01-due-buckets.sql', '02-marks.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0014_first-install-marks/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0006_change-capture/04-buckets.sql'));
  pgm.sql(read('0014_first-install-marks/down.sql'));
};
