-- Refresh step: where the platform has its own user_progress_snapshots
-- (spec 2.1), the same rows go there too: it is the daily aggregation's
-- output table, and the platform's to keep small, so it is reconciled the
-- same way over the same users and days as reconcile_user_progress_snapshots().
-- Its average_score may be a narrower type than ours (numeric(6,2), real:
-- the contract accepts any numeric type) that rounds what it receives;
-- compared unrounded, every row of the range would differ and be rewritten
-- on every refresh. Hence the comparison in the column's own type, which
-- only a dynamic statement can name; it is planned for this call's arrays.
create or replace function analytics.reconcile_platform_progress_snapshots(p_users uuid[], p_from date)
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_score_type text;
begin
  if pg_catalog.to_regclass('public.user_progress_snapshots') is not null then
    select pg_catalog.format_type(a.atttypid, a.atttypmod) into v_score_type
    from pg_catalog.pg_attribute a
    where a.attrelid = 'public.user_progress_snapshots'::regclass and a.attname = 'average_score' and not a.attisdropped;
    execute format($sql$
      with platform_diff as materialized (
        select coalesce(s.user_id, p.user_id) as user_id, coalesce(s.snapshot_date, p.snapshot_date) as snapshot_date,
               case when p.user_id is null then 'insert' when s.user_id is null then 'delete' else 'update' end as change,
               s.sessions_completed, s.average_score, s.total_practice_time, s.last_active
        from (select a.user_id, a.snapshot_date, a.sessions_completed, a.average_score::%1$s as average_score,
                     a.total_practice_time, a.last_active
              from analytics.user_progress_snapshots a
              where ($3 or a.user_id = any($1)) and a.snapshot_date >= $2) s
        full join (select x.user_id, x.snapshot_date, x.sessions_completed, x.average_score, x.total_practice_time, x.last_active
                   from public.user_progress_snapshots x
                   where ($3 or x.user_id = any($1)) and x.snapshot_date >= $2) p
          on p.user_id = s.user_id and p.snapshot_date = s.snapshot_date
        where row(s.*) is distinct from row(p.*)
      ),
      platform_deleted as (
        delete from public.user_progress_snapshots t using platform_diff d
        where d.change = 'delete' and t.snapshot_date >= $2
          and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
      ),
      platform_updated as (
        update public.user_progress_snapshots t
        set sessions_completed = d.sessions_completed, average_score = d.average_score,
            total_practice_time = d.total_practice_time, last_active = d.last_active
        from platform_diff d
        where d.change = 'update' and t.snapshot_date >= $2
          and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
      )
      insert into public.user_progress_snapshots
        (user_id, snapshot_date, sessions_completed, average_score, total_practice_time, last_active)
      select d.user_id, d.snapshot_date, d.sessions_completed, d.average_score, d.total_practice_time, d.last_active
      from platform_diff d where d.change = 'insert'
      $sql$, v_score_type)
    using p_users, p_from, p_users is null;
  end if;
end
$$;
comment on function analytics.reconcile_platform_progress_snapshots(p_users uuid[], p_from date) is
  'Refresh step: where public.user_progress_snapshots exists (spec 2.1), makes its rows from local day p_from on equal to analytics.user_progress_snapshots, for the given users or for every user when p_users is null, writing only the rows that come, go or change value (compared in the type of its average_score, which may round). Does nothing where the table does not exist.';
revoke execute on function analytics.reconcile_platform_progress_snapshots(p_users uuid[], p_from date) from public;
