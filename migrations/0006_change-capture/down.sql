-- Removes the change capture of migration 0006: its triggers on the platform
-- tables, its functions and its log. The migration's down step then puts
-- back the definitions of 0002 to 0005 from their own (frozen) files.
do $$
declare
  v_table text;
begin
  foreach v_table in array array['sessions', 'feedback_reports', 'users', 'subscriptions'] loop
    execute format('drop trigger if exists analytics_capture_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_delete on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_truncate on public.%I', v_table);
  end loop;
end
$$;
drop function if exists analytics.capture_sessions(), analytics.capture_feedback_reports(), analytics.capture_users(),
  analytics.capture_subscriptions(), analytics.capture_truncate(), analytics.install_capture_triggers(), analytics.invalidate_all(), analytics.local_today();
drop table if exists analytics.invalidation_log;
