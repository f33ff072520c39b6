-- The platform columns the metrics read, per captured table: the one list
-- both capture modes use. A change that leaves them all as they were (a
-- heartbeat of updated_at, a renamed user) marks nothing stale.
create or replace function analytics.captured_columns()
returns table (table_name text, columns text[])
language sql
immutable
set search_path = pg_catalog, pg_temp
as $$
  values ('sessions', array['id', 'user_id', 'scenario_id', 'started_at', 'ended_at', 'duration_seconds', 'completion_status']),
         ('feedback_reports', array['session_id', 'score_raw', 'criteria_scores']),
         ('users', array['id', 'created_at']),
         ('subscriptions', array['id', 'user_id', 'started_at', 'trial_ends_at', 'ended_at', 'amount_cents', 'currency', 'billing_interval'])
$$;
comment on function analytics.captured_columns() is
  'The captured platform tables (in public) and, for each, the columns the metrics read: an update of any of them is captured, an update of none is not. Read by install_capture_triggers() (the UPDATE OF list and WHEN condition) and log_decoded_changes() (logical capture).';
