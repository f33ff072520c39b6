-- Whether a user id names a platform user: the admin API answers 404 for a
-- learner it does not know, instead of a zero-filled series that reads as
-- "inactive". Deleted users are known (their history is still reported).

create function analytics.user_known(p_user_id uuid)
returns boolean
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select exists (select from public.users u where u.id = p_user_id)
$$;
comment on function analytics.user_known(uuid) is
  'True when p_user_id is a platform user (deleted ones included); the API''s learner view answers 404 otherwise. Reveals nothing but existence.';
revoke execute on function analytics.user_known(uuid) from public;
grant execute on function analytics.user_known(uuid) to analytics_reader;
