// 0015: the refresh as a sequence of named steps. refresh_pending() keeps its
// signature and behaviour; the work it did in one body moves into one
// function per step (take_invalidations(), reconcile_<rollup>()). Also
// rewords two catalog comments that pointed at a migration and at the README.
// Files in migrations/0015_refresh-in-steps/, copies of sql/ as released.
// Down re-applies refresh_pending() of 0012
// (migrations/0012_session-updates-keep-criteria/03-refresh.sql), then drops
// the steps and puts the two comments back.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = [
  'take_invalidations.sql',
  'reconcile_session_rollups.sql',
  'reconcile_daily_criteria_scores.sql',
  'reconcile_daily_active_users.sql',
  'reconcile_period_active_users.sql',
  'reconcile_user_progress_snapshots.sql',
  'reconcile_platform_progress_snapshots.sql',
  'reconcile_daily_signups.sql',
  'reconcile_weekly_retention.sql',
  'reconcile_monthly_subscriptions.sql',
  'refresh_pending.sql',
  'install_capture_triggers.sql',
  'column-comments.sql',
];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0015_refresh-in-steps/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0012_session-updates-keep-criteria/03-refresh.sql'));
  pgm.sql(read('0015_refresh-in-steps/down.sql'));
};
