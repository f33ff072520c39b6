// 0020: a second capture mode, logical decoding. Platform changes can reach
// the invalidation log from the WAL through a replication slot (pgoutput)
// instead of triggers in the writer's transaction: analytics.capture_state,
// consume_capture() (called by the refresh before it reads the log, and by
// the worker every half second), the switches prepare_logical_capture(),
// use_logical_capture() and use_trigger_capture(). captured_columns() is the
// one list of the columns the metrics read, for both modes; it adds a
// subscription's currency and user_id, which the update trigger missed, so
// the triggers are put on again. invalidate_all() takes a cause. Files in
// migrations/0020_logical-capture/, copies of sql/ as released; down.sql
// restores what 0019 had.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = [
  'capture_state.sql',
  'captured_columns.sql',
  'logical_slot_name.sql',
  'mark_truncated.sql',
  'capture_truncate.sql',
  'log_decoded_changes.sql',
  'invalidate_all.sql',
  'restart_logical_capture.sql',
  'consume_capture.sql',
  'prepare_logical_capture.sql',
  'use_logical_capture.sql',
  'use_trigger_capture.sql',
  'install_capture_triggers.sql',
  'refresh_pending.sql',
  'refresh_range.sql',
  'refresh_buckets.sql',
  'set_reporting_timezone.sql',
  'invalidation_log-comment.sql',
];

export const up = (pgm) => {
  // it gains a parameter
  pgm.sql('drop function analytics.invalidate_all();');
  for (const file of FILES) pgm.sql(read(`0020_logical-capture/${file}`));
  pgm.sql('select analytics.install_capture_triggers();');
};

export const down = (pgm) => {
  pgm.sql(read('0020_logical-capture/down.sql'));
};
