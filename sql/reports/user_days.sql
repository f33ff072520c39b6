-- One user's days of p_from .. p_to: the stored ones up to p_through and
-- the live ones (p_live) computed from the platform tables. A SQL function
-- with a body parsed at creation (BEGIN ATOMIC) and no SET clause, so the
-- planner inlines it into the query that calls it and sees the index range
-- (a set-returning function it cannot inline would hand it 1,000 guessed
-- rows in a tuplestore).
-- Both branches name their columns, so the union is flattened: with
-- "select *" on one side and a function's row type on the other, every
-- stored row would pass through an extra projection.
create or replace function analytics.user_days(p_user_id uuid, p_from date, p_to date, p_through date, p_live date[])
returns table (
  day date, sessions_started integer, sessions_completed integer, sessions_finished integer,
  practice_seconds bigint, scored_sessions integer, score_sum numeric
)
language sql stable parallel restricted
begin atomic
  select d.day, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds, d.scored_sessions, d.score_sum
  from analytics.daily_user_activity d
  where d.user_id = p_user_id and d.day between p_from and least(p_to, p_through)
  union all
  select d.day, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds, d.scored_sessions, d.score_sum
  from analytics.compute_daily_user_activity(p_live) d
  where cardinality(p_live) > 0 and d.user_id = p_user_id;
end;
comment on function analytics.user_days(p_user_id uuid, p_from date, p_to date, p_through date, p_live date[]) is
  'One user''s days of analytics.daily_user_activity (its sums) for p_from .. p_to: stored days up to p_through, and the days p_live (not stored yet) computed live. Inlined into user_activity_metrics().';
revoke execute on function analytics.user_days(p_user_id uuid, p_from date, p_to date, p_through date, p_live date[]) from public;
