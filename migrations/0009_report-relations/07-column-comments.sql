-- Column comments of the report relations, from one glossary: a column
-- means the same wherever it appears (sessions_started is always "sessions
-- started in the row's day, week or month"), so it is explained once. A row
-- whose relation is named overrides the general entry ('*') for that
-- relation. Every column must find an entry: the block fails otherwise, and
-- test/catalog.test.ts checks that every relation and column is commented.

do $$
declare
  v_column record;
begin
  for v_column in
    with glossary (relation, column_name, description) as (values
      ('*', 'day', 'Local calendar day (reporting time zone, analytics.settings) the sessions started on.'),
      ('*', 'granularity', 'week (ISO, Monday to Sunday) or month (platform_periods reads the weeks and months of report_periods).'),
      ('*', 'period_start', 'First local day of the period.'),
      ('*', 'period_end', 'Last local day of the period.'),
      ('*', 'week_start', 'Monday of the ISO week (local).'),
      ('*', 'week_end', 'Sunday of the ISO week (local).'),
      ('*', 'month_start', 'First local day of the calendar month.'),
      ('*', 'month_end', 'Last local day of the calendar month.'),
      ('*', 'sessions_started', 'Sessions started in the row''s period, any status (count).'),
      ('*', 'usage_count', 'Sessions of the scenario started in the row''s period, any status (count).'),
      ('*', 'sessions_completed', 'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.'),
      ('*', 'sessions_finished', 'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.'),
      ('*', 'completion_rate', 'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.'),
      ('*', 'scored_sessions', 'Completed sessions with a feedback report (count): average_score''s denominator.'),
      ('*', 'score_sum', 'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.'),
      ('*', 'average_score', 'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.'),
      ('*', 'practice_seconds', 'Summed duration_seconds of the sessions started in the row''s period (seconds).'),
      ('*', 'practice_minutes', 'practice_seconds / 60 (minutes, 2 decimals).'),
      ('*', 'new_users', 'Users created in the row''s period, deleted ones included (count).'),
      ('*', 'active_users', 'Distinct users who started a session in the row''s period (count; exact, never a sum of days).'),
      ('*', 'dau', 'Distinct users who started a session that day (count): stickiness''s numerator.'),
      ('*', 'wau', 'Distinct users who started a session on day-6 .. day (count).'),
      ('*', 'mau', 'Distinct users who started a session on day-29 .. day (count): stickiness''s denominator.'),
      ('*', 'stickiness', 'dau / mau (0-1, 4 decimals); null when mau is 0.'),
      ('*', 'active_subscribers', 'Subscriptions paying at the first instant of the next month (count).'),
      ('*', 'new_subscribers', 'Subscriptions whose paid period starts in the month and that are paying then (count).'),
      ('*', 'churned_subscribers', 'Subscriptions ended in the month after their paid start (count): churn_rate''s numerator.'),
      ('*', 'paying_at_start', 'Subscriptions paying at the first instant of the month (count): churn_rate''s denominator.'),
      ('*', 'churn_rate', 'churned_subscribers / paying_at_start (0-1, 4 decimals); null when paying_at_start is 0.'),
      ('*', 'mrr_cents', 'Monthly recurring revenue of active_subscribers: amount_cents normalised to one month (quarter / 3, year / 12), in cents, 2 decimals. Assumes one currency.'),
      ('*', 'trials_ending', 'Subscriptions whose trial ends in the month (count): trial_conversion''s denominator.'),
      ('*', 'trials_converted', 'Of those, subscriptions not ended by the trial''s end (count): trial_conversion''s numerator.'),
      ('*', 'trial_conversion', 'trials_converted / trials_ending (0-1, 4 decimals); null when trials_ending is 0.'),
      ('*', 'scenario_id', 'The scenario (platform scenarios.id).'),
      ('*', 'title', 'Scenario title.'),
      ('*', 'profession', 'Profession the scenario is written for.'),
      ('*', 'difficulty_level', 'Scenario difficulty level as the platform names it.'),
      ('*', 'completed_seconds', 'Summed duration_seconds of completed sessions (seconds): average_completion_time''s numerator.'),
      ('*', 'completed_timed_sessions', 'Completed sessions with a duration (count): average_completion_time''s denominator.'),
      ('*', 'average_completion_time', 'completed_seconds / completed_timed_sessions: mean duration of completed sessions (seconds, 1 decimal); null when none.'),
      ('*', 'criterion', 'Key of feedback_reports.criteria_scores, e.g. fluency.'),
      ('*', 'reports', 'Feedback reports that score the criterion (count): average_score''s denominator.'),
      ('criteria_daily', 'score_sum', 'Sum of the criterion''s scores over those reports (the criterion''s own scale): average_score''s numerator.'),
      ('criteria_daily', 'average_score', 'score_sum / reports: mean score of the criterion (its own scale, 3 decimals).'),
      ('*', 'weekday', 'ISO day of week of day: 1 = Monday .. 7 = Sunday.'),
      ('*', 'hour', 'Local hour of day, 0-23 (on a DST fall-back day the repeated hour counts both).'),
      ('*', 'from_minutes', 'Lower bound of the duration bin, minutes (inclusive).'),
      ('*', 'to_minutes', 'Upper bound of the duration bin, minutes (exclusive): from_minutes + 5.'),
      ('*', 'sessions', 'Completed sessions whose duration falls in the bin (count).'),
      ('*', 'user_id', 'The learner (platform users.id); no other user attribute is exposed.'),
      ('*', 'last_active_at', 'Latest started_at / ended_at of that day''s sessions.'),
      ('user_progress', 'as_of', 'Local day of the snapshot: the last stored day on which the learner started a session.'),
      ('user_progress', 'sessions_completed', 'Completed sessions up to as_of (count, cumulative).'),
      ('user_progress', 'scored_sessions', 'Completed, scored sessions up to as_of (count, cumulative): average_score''s denominator.'),
      ('user_progress', 'score_sum', 'Sum of score_raw (0-500) of those sessions: average_score''s numerator.'),
      ('user_progress', 'average_score', 'score_sum / scored_sessions: mean score_raw (0-500, 2 decimals) of completed, scored sessions up to as_of; null when none.'),
      ('user_progress', 'practice_seconds', 'Summed duration_seconds of sessions up to as_of (seconds, cumulative).'),
      ('user_progress', 'total_practice_time', 'practice_seconds in whole minutes (rounded), as the platform''s user_progress_snapshots holds it.'),
      ('user_progress', 'last_active', 'Latest started_at / ended_at of the learner''s sessions up to as_of.'),
      ('*', 'cohort_week', 'Monday of the ISO week (local) in which the cohort''s users were created.'),
      ('*', 'week_offset', 'Weeks after the cohort week (0 = the signup week itself).'),
      ('*', 'activity_week', 'Monday of the week the row counts activity in: cohort_week + 7 * week_offset.'),
      ('*', 'cohort_size', 'Users created in the cohort week, deleted ones included (count): rate''s denominator.'),
      ('*', 'retained', 'Cohort users who started a session in activity_week (count): rate''s numerator.'),
      ('*', 'rate', 'retained / cohort_size (0-1, 4 decimals).')
    )
    select c.relname, a.attname,
           (select g.description from glossary g
            where g.column_name = a.attname and g.relation in (c.relname, '*')
            order by g.relation = '*' limit 1) as description
    from pg_catalog.pg_class c
    join pg_catalog.pg_namespace n on n.oid = c.relnamespace
    join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where (n.nspname = 'analytics_report' and c.relkind = 'v')
       or (n.nspname = 'analytics' and c.relname = 'platform_periods')
  loop
    if v_column.description is null then
      raise exception 'column %.% has no entry in the glossary of sql/report/07-column-comments.sql', v_column.relname, v_column.attname;
    end if;
    execute format('comment on column %I.%I.%I is %L',
                   case when v_column.relname = 'platform_periods' then 'analytics' else 'analytics_report' end,
                   v_column.relname, v_column.attname, v_column.description);
  end loop;
end
$$;
