// 0011: reads at the floor. The report functions read their
// stored rows straight from the rollups and compute not-yet-stored days only
// when the range reaches them (migrations/0011_reads-at-the-floor/01-reports.sql); "today" in the
// reports is analytics.local_today(), as in the refresh. New users of a live
// day are found without converting every user's timestamp
// (02-compute-signups.sql). Same signatures, grants and comments (CREATE OR
// REPLACE keeps them), same rows.
// Down keeps these bodies: nothing was added, and they return the same rows
// as the ones they replaced.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['01-reports.sql', '02-compute-signups.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0011_reads-at-the-floor/${file}`));
};

export const down = () => {};
