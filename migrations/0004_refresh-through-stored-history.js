// 0004: re-applies migrations/0002_sql-core/04-refresh.sql (every function there is
// `create or replace`) for databases migrated before its change:
// - refresh_pending() never stops short of the stored history, so a call
//   with an earlier p_through still rewrites the later stored days that
//   depend on the changed ones (rolling windows, progress snapshots);
// - a long range continues each active user's snapshots from their last one
//   instead of recomputing every user's whole history, so a backfill in
//   chunks costs about one pass.
// Results are unchanged (the property test and verify() hold either way), so
// the down migration keeps the new definitions: it has nothing to undo.
import { readFileSync } from 'node:fs';

export const up = (pgm) => {
  pgm.sql(readFileSync(new URL('./0002_sql-core/04-refresh.sql', import.meta.url), 'utf8'));
};

export const down = () => {};
