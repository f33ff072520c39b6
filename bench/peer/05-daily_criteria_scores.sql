-- Peer of analytics.daily_criteria_scores: per local day (of the report's
-- session) and feedback criterion, the reports scoring it with a number and
-- the sum of those scores, days up to {{through}}.
select (s.started_at at time zone {{zone}})::date as day,
       e.key as criterion,
       count(*)::integer as reports,
       sum(e.value::numeric) as score_sum
from public.feedback_reports f
join public.sessions s on s.id = f.session_id,
     jsonb_each(f.criteria_scores) e
where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
  and jsonb_typeof(e.value) = 'number'
group by 1, 2
