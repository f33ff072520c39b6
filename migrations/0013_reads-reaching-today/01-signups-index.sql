-- The second index the package adds to a platform table (migration 0013,
-- issue 14): users by created_at. Every report whose range reaches today
-- counts today's signups (session_metrics' new_users, retention's cohort
-- sizes), and without an index that is a scan of every user: 3.8 ms at
-- 50,000 users, on every such read, growing with the platform. A signup pays
-- one more index entry (BENCHMARKS.md measures it); updates that keep
-- created_at stay HOT-eligible. migrate builds it CONCURRENTLY beforehand,
-- outside any transaction, like the sessions index of 0002, so this
-- migration finds it and builds nothing on a live database. It looks before
-- it builds: CREATE INDEX IF NOT EXISTS would take its SHARE lock on users
-- (blocking signups until the migration commits) even to find the index.

do $$
begin
  if pg_catalog.to_regclass('public.analytics_users_created_at_idx') is null then
    create index analytics_users_created_at_idx on public.users (created_at);
  end if;
end
$$;
comment on index public.analytics_users_created_at_idx is
  'Added by @oet-praxis/analytics: reports reaching today count the signups of days not stored yet by created_at ranges.';
