// The two ways platform changes reach the invalidation log, and the switch
// between them that `migrate` makes (the SQL is in sql/capture/):
// - triggers: in the writer's transaction; needs nothing of the server;
// - logical: decoded from the WAL through a replication slot, off the
//   writer's path; needs wal_level = logical, a slot and a publication.
// Switching to logical takes two transactions (the publication must exist
// before the slot, and PostgreSQL makes a slot only before a transaction
// writes); back to triggers, one. Neither loses a change.
import type pg from 'pg';

export const CAPTURE_MODES = ['triggers', 'logical'] as const;
export type CaptureMode = (typeof CAPTURE_MODES)[number];

type CaptureState = { mode: CaptureMode; leftovers: boolean };

/** Puts the database in `mode`, or (undefined) keeps its mode and clears what another mode left; a no-op before the package has capture_state. */
export async function applyCaptureMode(client: pg.Client, mode: CaptureMode | undefined, log: (line: string) => void): Promise<void> {
  const state = await readCaptureState(client);
  if (state === undefined) return;
  const wanted = mode ?? state.mode;
  if (wanted === 'logical' && state.mode !== 'logical') {
    log('migrate: switching the change capture to logical decoding: publication praxis_analytics, replica identity FULL, a replication slot; the capture triggers go');
    await client.query('select analytics.prepare_logical_capture()');
    await client.query('select analytics.use_logical_capture()');
  } else if (wanted === 'triggers' && (state.mode === 'logical' || state.leftovers)) {
    log(state.mode === 'logical'
      ? 'migrate: switching the change capture back to triggers: the slot is drained, then it and the publication go'
      : 'migrate: removing the slot or publication an interrupted switch to logical capture left behind');
    await client.query('select analytics.use_trigger_capture()');
  }
}

/**
 * In logical mode, consumes the slot in a transaction of its own, which can
 * also replace a lost slot (PostgreSQL makes one only before a transaction
 * writes). `migrate down` calls it before each attempt: reverting
 * 0020_logical-capture switches back to the triggers inside the attempt's
 * one transaction, after later migrations' downs have written, where a
 * slot lost meanwhile (an earlier attempt that rolled back had dropped it:
 * slots are not transactional) could not be replaced.
 */
export async function settleLogicalCapture(client: pg.Client): Promise<void> {
  if ((await readCaptureState(client))?.mode === 'logical') await client.query('select analytics.consume_capture(true)');
}

async function readCaptureState(client: pg.Client): Promise<CaptureState | undefined> {
  const { rows: present } = await client.query<{ present: boolean }>(
    `select pg_catalog.to_regclass('analytics.capture_state') is not null as present`);
  if (!present[0]!.present) return undefined;
  const { rows } = await client.query<CaptureState>(
    `select c.mode,
            c.mode = 'triggers' and (exists (select from pg_catalog.pg_publication p where p.pubname = c.publication)
              or exists (select from pg_catalog.pg_replication_slots s where s.slot_name = analytics.logical_slot_name())) as leftovers
     from analytics.capture_state c`);
  return rows[0];
}
