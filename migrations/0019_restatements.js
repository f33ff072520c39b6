// 0019: restatements of closed periods. A refresh that recomputes finished,
// stored weeks and months records each of their numbers it changed, with the
// old and new value and the cause, in analytics.restatement_log (view
// analytics_report.restatements, API function restatement_history()); so does
// a change of the reporting time zone, from the end of the first refresh on
// (analytics.settings.restatements_from). take_invalidations() returns the
// causes; forced refreshes and backfills log theirs. subscription_metrics()
// takes its MRR from mrr_movement_metrics() instead of summing it again. Files in
// migrations/0019_restatements/, copies of sql/ as released; down.sql
// restores what 0018 had.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = [
  'settings-columns.sql',
  'restatement_log.sql',
  'period_numbers.sql',
  'record_restatements.sql',
  'take_invalidations.sql',
  'refresh_pending.sql',
  'refresh_range.sql',
  'refresh_buckets.sql',
  'set_reporting_timezone.sql',
  'restatement_history.sql',
  'subscription_metrics.sql',
  'metric_freshness.sql',
  'restatements.sql',
];

export const up = (pgm) => {
  // its result gains a column
  pgm.sql('drop function analytics.take_invalidations(date, text);');
  for (const file of FILES) pgm.sql(read(`0019_restatements/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0019_restatements/down.sql'));
};
