-- What the package adds to the platform tables: change-tracking triggers and
-- one supporting index. Nothing else on the platform side is created,
-- altered or dropped. On a large table, create the index beforehand with
-- CREATE INDEX CONCURRENTLY (same name) to avoid blocking writes; this
-- migration then leaves it as it is.

create index if not exists analytics_sessions_started_at_idx on public.sessions (started_at);
comment on index public.analytics_sessions_started_at_idx is
  'Added by @oet-praxis/analytics: refreshes read sessions by local day ranges of started_at.';

do $$
declare
  v_table text;
begin
  foreach v_table in array array['sessions', 'feedback_reports', 'users', 'subscriptions'] loop
    execute format('create trigger analytics_log_insert after insert on public.%I
                    referencing new table as new_rows for each statement
                    execute function analytics.log_source_changes()', v_table);
    execute format('create trigger analytics_log_update after update on public.%I
                    referencing old table as old_rows new table as new_rows for each statement
                    execute function analytics.log_source_changes()', v_table);
    execute format('create trigger analytics_log_delete after delete on public.%I
                    referencing old table as old_rows for each statement
                    execute function analytics.log_source_changes()', v_table);
    execute format('comment on trigger analytics_log_insert on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs the local days inserted rows belong to (analytics.invalidation_log).');
    execute format('comment on trigger analytics_log_update on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs the local days updated rows belonged and belong to (analytics.invalidation_log).');
    execute format('comment on trigger analytics_log_delete on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs the local days deleted rows belonged to (analytics.invalidation_log).');
  end loop;
end
$$;

-- History that exists before the triggers: everything is stale once.
select analytics.invalidate_all();
