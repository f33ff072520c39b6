-- The triggers of trigger mode. UPDATE OF lists every column a metric reads
-- (captured_columns()); WHEN drops updates that set them to the same values
-- before any trigger event is queued. A function, so that `doctor` can name
-- one call that puts back a dropped trigger, and use_trigger_capture() one
-- call that puts them all on.
create or replace function analytics.install_capture_triggers()
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_table text;
  v_columns text;
  v_changed text;
begin
  for v_table, v_columns, v_changed in
    select c.table_name,
           (select string_agg(format('%I', col), ', ') from unnest(c.columns) col),
           (select string_agg(format('old.%1$I is distinct from new.%1$I', col), ' or ') from unnest(c.columns) col)
    from analytics.captured_columns() c
  loop
    execute format('drop trigger if exists analytics_log_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_delete on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_delete on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_truncate on public.%I', v_table);
    execute format('create trigger analytics_capture_insert after insert on public.%1$I
                    referencing new table as new_rows for each statement execute function analytics.%2$I()',
                   v_table, 'capture_' || v_table);
    execute format('create trigger analytics_capture_delete after delete on public.%1$I
                    referencing old table as old_rows for each statement execute function analytics.%2$I()',
                   v_table, 'capture_' || v_table);
    execute format('create trigger analytics_capture_update after update of %2$s on public.%1$I
                    for each row when (%3$s) execute function analytics.%4$I()',
                   v_table, v_columns, v_changed, 'capture_' || v_table);
    execute format('create trigger analytics_capture_truncate after truncate on public.%I
                    for each statement execute function analytics.capture_truncate()', v_table);
    execute format('alter table public.%I enable always trigger analytics_capture_insert,
                    enable always trigger analytics_capture_delete, enable always trigger analytics_capture_update,
                    enable always trigger analytics_capture_truncate', v_table);
    execute format('comment on trigger analytics_capture_insert on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what inserted rows make stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_delete on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what deleted rows make stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_update on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what an update of a column the metrics read makes stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_truncate on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: marks the whole stored history of the table stale (analytics.invalidation_log).');
  end loop;
end
$$;
comment on function analytics.install_capture_triggers() is
  'Creates (or re-creates) the change-capture triggers of trigger mode on public.sessions, feedback_reports, users and subscriptions (an update fires them only when it changes a column of captured_columns()), enabled ALWAYS. The install and use_trigger_capture() run it; run it again when doctor reports a missing trigger.';
revoke execute on function analytics.install_capture_triggers() from public;
