-- The two indexes the package adds to platform tables. migrate builds each
-- CREATE INDEX CONCURRENTLY beforehand, outside any transaction (writers go
-- on meanwhile), so here each is only looked for: CREATE INDEX IF NOT EXISTS
-- would take a SHARE lock on the table even to find it.
do $$
begin
  if pg_catalog.to_regclass('public.analytics_sessions_started_at_idx') is null then
    create index analytics_sessions_started_at_idx on public.sessions (started_at);
  end if;
  if pg_catalog.to_regclass('public.analytics_users_created_at_idx') is null then
    create index analytics_users_created_at_idx on public.users (created_at);
  end if;
end
$$;
-- refreshes read sessions by the local days they start on
comment on index public.analytics_sessions_started_at_idx is
  'Added by @oet-praxis/analytics: refreshes read sessions by local day ranges of started_at.';
-- every report whose range reaches today counts that day's signups
comment on index public.analytics_users_created_at_idx is
  'Added by @oet-praxis/analytics: reports reaching today count the signups of days not stored yet by created_at ranges.';
