create or replace function analytics.user_known(p_user_id uuid)
returns boolean
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select exists (select from public.users u where u.id = p_user_id)
$$;
comment on function analytics.user_known(p_user_id uuid) is
  'True when p_user_id is a platform user (deleted ones included); the API''s learner view answers 404 otherwise. Reveals nothing but existence.';
revoke execute on function analytics.user_known(p_user_id uuid) from public;
grant execute on function analytics.user_known(p_user_id uuid) to analytics_reader;
