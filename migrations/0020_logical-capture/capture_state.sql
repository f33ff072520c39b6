-- How changes reach the invalidation log, and where the logical capture
-- stands. One row. Changed by use_logical_capture() and use_trigger_capture()
-- (which `praxis-analytics migrate` runs for ANALYTICS_CAPTURE), never by
-- UPDATE.
create table analytics.capture_state (
  singleton          boolean primary key default true constraint capture_state_single_row check (singleton),
  mode               text not null default 'triggers' constraint capture_state_mode_check check (mode in ('triggers', 'logical')),
  slot               name,
  publication        name not null default 'praxis_analytics',
  consumed_lsn       pg_lsn,
  consumed_at        timestamptz,
  replica_identities jsonb,
  lost_at            timestamptz,
  lost_reason        text
);
insert into analytics.capture_state default values;
comment on table analytics.capture_state is
  'The change capture''s mode and, in logical mode, its replication slot and how far the invalidation log has consumed it (exactly one row). Switch modes with praxis-analytics migrate and ANALYTICS_CAPTURE, or use_logical_capture() / use_trigger_capture(); never by UPDATE.';
comment on column analytics.capture_state.singleton is
  'Always true: makes the table hold one row.';
comment on column analytics.capture_state.mode is
  'triggers: triggers on the platform tables log each change in the writer''s transaction (the default, needs nothing of the server''s configuration). logical: the changes are decoded from the WAL through a replication slot (wal_level = logical), off the writer''s path.';
comment on column analytics.capture_state.slot is
  'The logical replication slot (plugin pgoutput) of logical mode: praxis_analytics_<database oid>, one per database. Null in trigger mode.';
comment on column analytics.capture_state.publication is
  'The publication of the captured tables that the slot decodes (logical mode).';
comment on column analytics.capture_state.consumed_lsn is
  'End of the last decoded transaction whose changes are in the invalidation log: written in the same transaction as those log rows, so it, not the slot''s confirmed_flush_lsn, says what has been consumed. The slot is advanced to it lazily.';
comment on column analytics.capture_state.consumed_at is
  'When the log last consumed the slot.';
comment on column analytics.capture_state.replica_identities is
  'The replica identity of each captured table before logical mode set it to FULL ({table: default|nothing|full|index <name>}), put back when the triggers return.';
comment on column analytics.capture_state.lost_at is
  'When the logical capture last found its slot missing, invalidated or moved past what it consumed, made a new one and marked the whole history stale. Null if never.';
comment on column analytics.capture_state.lost_reason is
  'What it found then (shown as the cause of the stale history in refresh_status).';
grant select on analytics.capture_state to analytics_reader;
