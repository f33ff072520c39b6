-- Data generator, step 2 of 4: sessions and feedback reports (see
-- 1-prepare.sql). Handles the users with i % shard_count = shard, so several
-- connections can run it at once on disjoint users.

set timezone = 'UTC';
set work_mem = '512MB';    -- the generated sessions are held once, in memory
-- The planner cannot estimate the generated rows and picks a merge join for
-- the criteria-profile lookup, sorting millions of rows; a hash join on the
-- 4,896 profiles needs no sort.
set enable_mergejoin = off;

-- Sessions and their feedback reports, in one statement so the generated
-- rows are computed once. Each step is a LATERAL subquery fenced with
-- OFFSET 0: without the fence the planner inlines every step into the next
-- and re-evaluates the whole chain of draws once per reference (measured:
-- 5x slower). Times are UTC epoch seconds in float8, converted once.
with generated as materialized (
  select
    praxis_seed.uuid_for(p.seed, 3, key.k) as session_id, u.user_id,
    key.k, u.i, j, u.skill, u.gain, u.profession_no,
    to_timestamp(started.epoch) as started_at,
    outcome.scenario_no, outcome.completion_status, duration.seconds as duration_seconds
  from praxis_seed.users u
  cross join praxis_seed.params p
  cross join praxis_seed.tables t
  cross join generate_series(1, u.session_count) j
  cross join lateral (select (u.i::bigint << 20) | j as k offset 0) key
  -- Stratified draw, increasing in j: session j is (about) the j-th in time.
  cross join lateral (
    select (j - 1 + praxis_seed.unit(p.seed, key.k, 10)) / u.session_count as q offset 0
  ) draw
  cross join lateral (
    select u.created_epoch + u.available_seconds * case u.pattern
      when 'fading' then draw.q * draw.q
      when 'steady' then draw.q
      else case when draw.q < 0.6 then 0.35 * draw.q / 0.6 else 0.65 + 0.35 * (draw.q - 0.6) / 0.4 end
    end as epoch offset 0
  ) day
  cross join lateral (
    select floor(day.epoch / 86400) * 86400
           + 3600 * (t.hour_slots[1 + floor(praxis_seed.unit(p.seed, key.k, 11) * 100)::int]
                     + praxis_seed.unit(p.seed, key.k, 12)) as epoch offset 0
  ) wanted
  cross join lateral (
    -- isodow of an epoch day: 1970-01-01 was a Thursday (4)
    select case when (floor(wanted.epoch / 86400)::int + 3) % 7 + 1 = 6
                     and praxis_seed.unit(p.seed, key.k, 13) < 0.35
                     and wanted.epoch + 2 * 86400 < p.end_epoch
                then wanted.epoch + 2 * 86400 else wanted.epoch end as epoch offset 0
  ) shifted
  cross join lateral (
    select greatest(u.created_epoch + 120,
                    case when shifted.epoch >= p.end_epoch then shifted.epoch - 86400 else shifted.epoch end
           ) as epoch offset 0
  ) started
  cross join lateral (
    select
      u.profession_no * 12 + least(11, floor(12 * power(praxis_seed.unit(p.seed, key.k, 14), 1.8))::int) as scenario_no,
      case
        when started.epoch > p.end_epoch - 3600 and praxis_seed.unit(p.seed, key.k, 15) < 0.6 then 'in_progress'
        when praxis_seed.unit(p.seed, key.k, 15) < 0.003 then 'in_progress'   -- stale: the client never reported back
        when praxis_seed.unit(p.seed, key.k, 15) < 0.80 then 'completed'
        when praxis_seed.unit(p.seed, key.k, 15) < 0.93 then 'abandoned'
        else 'failed'
      end as completion_status
    offset 0
  ) outcome
  cross join lateral (
    select case outcome.completion_status
      when 'in_progress' then null
      -- completed: 12/16/20 minutes by difficulty, log-normal spread
      when 'completed' then round((720 + 240 * ((outcome.scenario_no % 12) % 3))
                                 * exp(0.3 * sqrt(-2 * ln(1 - praxis_seed.unit(p.seed, key.k, 16)))
                                           * cos(2 * pi() * praxis_seed.unit(p.seed, key.k, 17))))::int
      when 'abandoned' then (30 + praxis_seed.unit(p.seed, key.k, 16) * 600)::int
      else (5 + praxis_seed.unit(p.seed, key.k, 16) * 120)::int
    end as seconds
    offset 0
  ) duration
  where started.epoch < p.end_epoch
    and u.i % coalesce(nullif(current_setting('praxis_seed.shard_count', true), ''), '1')::int
        = coalesce(nullif(current_setting('praxis_seed.shard', true), ''), '0')::int
),
inserted_sessions as (
  insert into public.sessions
    (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
  select
    g.session_id,
    g.user_id,
    sc.scenario_id,
    g.started_at,
    g.started_at + g.duration_seconds * interval '1 second',
    g.duration_seconds,
    g.completion_status,
    coalesce(g.started_at + g.duration_seconds * interval '1 second', g.started_at)
  from generated g
  join praxis_seed.scenarios sc using (scenario_no)
  -- in arrival order, as a live platform's table is laid out on disk: reads
  -- of a time range (a refresh, a backfill chunk) then touch that range's
  -- pages only, as they would in production
  order by g.started_at
)
insert into public.feedback_reports (id, session_id, score_raw, criteria_scores, created_at)
select
  praxis_seed.uuid_for(p.seed, 4, r.k),
  r.session_id,
  r.score_raw,
  -- each report its own object, as on a live platform: every criterion
  -- moves a band up or down from the profile, or stays (clamped to its scale)
  jsonb_build_object(
    'intelligibility',       praxis_seed.band(cp.criteria_scores, 'intelligibility', 6, p.seed, r.k, 60),
    'fluency',               praxis_seed.band(cp.criteria_scores, 'fluency', 6, p.seed, r.k, 61),
    'appropriateness',       praxis_seed.band(cp.criteria_scores, 'appropriateness', 6, p.seed, r.k, 62),
    'grammar_expression',    praxis_seed.band(cp.criteria_scores, 'grammar_expression', 6, p.seed, r.k, 63),
    'relationship_building', praxis_seed.band(cp.criteria_scores, 'relationship_building', 3, p.seed, r.k, 64),
    'patient_perspective',   praxis_seed.band(cp.criteria_scores, 'patient_perspective', 3, p.seed, r.k, 65),
    'structure',             praxis_seed.band(cp.criteria_scores, 'structure', 3, p.seed, r.k, 66),
    'information_gathering', praxis_seed.band(cp.criteria_scores, 'information_gathering', 3, p.seed, r.k, 67),
    'information_giving',    praxis_seed.band(cp.criteria_scores, 'information_giving', 3, p.seed, r.k, 68)),
  r.started_at + r.duration_seconds * interval '1 second'
    + (20 + 100 * praxis_seed.unit(p.seed, r.k, 30)) * interval '1 second'
    + case when praxis_seed.unit(p.seed, r.k, 31) < 0.03     -- late feedback
           then (1 + 29 * praxis_seed.unit(p.seed, r.k, 32)) * interval '1 hour'
           else interval '0' end
from (
  select g.*,
    round(least(500, greatest(0,
      g.skill + g.gain * ln(g.j)
      + (array[15, 0, -20])[1 + (g.scenario_no % 12) % 3]                   -- easy / medium / hard
      + 40 * (praxis_seed.unit(p.seed, g.k, 18) - 0.5))))::int as score_raw
  from generated g, praxis_seed.params p
  where g.completion_status = 'completed'
    and praxis_seed.unit(p.seed, g.k, 19) < 0.97                      -- a few are never scored
) r
cross join praxis_seed.params p
join praxis_seed.criteria_profiles cp
  on cp.profile_no = (r.profession_no * 51 + r.score_raw / 10) * 8
                     + floor(praxis_seed.unit(p.seed, r.k, 21) * 8)::int
order by r.started_at;  -- arrival order, like the sessions
