-- Deterministic data generator for the reference platform schema, step 1 of 4:
-- staging tables and users/scenarios.
--
-- The generator writes realistic users, scenarios, sessions, feedback reports
-- and subscriptions into the (empty) reference tables of
-- sql/platform/reference-schema.sql. Same parameters => same rows, byte for
-- byte: every random draw is a hash of (seed, row key, stream number), never
-- random(), so the result depends neither on plan shape nor on how the
-- session step is split across connections.
--
-- Run the four files in order. Step 1 reads its parameters from custom
-- settings (`praxis-analytics seed` sets them; with psql, set them first):
--   set praxis_seed.users = '2000';               -- number of users
--   set praxis_seed.days = '365';                 -- length of history, days
--   set praxis_seed.seed = '1';                   -- any integer
--   set praxis_seed.end_at = '2026-11-28 12:00Z'; -- the data's "now"
--   set praxis_seed.sessions_per_user = '50';     -- mean sessions per user
-- Step 2 (sessions) may run as N concurrent shards, one connection each, with
-- praxis_seed.shard_count = N and praxis_seed.shard = 0..N-1 (default 1 / 0):
-- on two cores that halves the longest step.
-- Everything staged lives in schema praxis_seed, which step 4 drops.
--
-- What the data looks like, and where each trait comes from:
--   signup growth      signup offset = days * sqrt(u): density grows linearly
--   usage peaks        hour of day drawn from a weighted slot table (evening
--                      and lunch peaks); part of Saturday's sessions move to
--                      Monday
--   churn and return   15% of users practise early, stop, and come back late
--   improvement        score = skill + gain * ln(session number) + noise
--   strengths          per-criterion bias that depends on the profession
--   status mix         completed / abandoned / failed, in_progress only in the
--                      last hour (plus a few stale ones)
--   late feedback      3% of reports arrive 1-30 hours after the session
--   midnight           sessions late in the evening run past midnight
--   subscriptions      trials that convert or lapse; month/quarter/year
--                      plans; some users resubscribe when they come back

set timezone = 'UTC';      -- day boundaries below must not depend on the server's zone

create schema praxis_seed;

-- u in [0, 1) from (seed, key, stream). Inlined by the planner (plain SQL).
create function praxis_seed.unit(p_seed bigint, p_key bigint, p_stream int)
returns float8 language sql immutable parallel safe as $$
  select (hashint8extended(p_key, p_seed * 1000 + p_stream) & 281474976710655)::float8
         / 281474976710656.0
$$;

-- A stable, unique-per-(kind, key) uuid: 64 hashed bits, then the key itself.
create function praxis_seed.uuid_for(p_seed bigint, p_kind int, p_key bigint)
returns uuid language sql immutable parallel safe as $$
  select (lpad(to_hex(hashint8extended(p_key, p_seed * 1000 + 900 + p_kind)), 16, '0')
          || lpad(to_hex(p_key), 16, '0'))::uuid
$$;

-- The standard plan's price in a currency, per billing interval, in the
-- currency's minor unit (cents, pence, paise).
create function praxis_seed.price_cents(p_currency text, p_interval text)
returns integer language sql immutable parallel safe as $$
  select case p_currency
           when 'GBP' then case p_interval when 'month' then 2900 when 'quarter' then 7900 else 23900 end
           when 'AUD' then case p_interval when 'month' then 5900 when 'quarter' then 14900 else 44900 end
           when 'INR' then case p_interval when 'month' then 199900 when 'quarter' then 499900 else 1599900 end
           else case p_interval when 'month' then 3900 when 'quarter' then 9900 else 29900 end
         end
$$;

create unlogged table praxis_seed.params as
select
  current_setting('praxis_seed.users')::int                  as users,
  current_setting('praxis_seed.days')::int                   as days,
  current_setting('praxis_seed.seed')::bigint                as seed,
  current_setting('praxis_seed.end_at')::timestamptz         as end_at,
  current_setting('praxis_seed.sessions_per_user')::float8   as sessions_per_user,
  current_setting('praxis_seed.end_at')::timestamptz
    - current_setting('praxis_seed.days')::int * interval '1 day' as start_at,
  extract(epoch from current_setting('praxis_seed.end_at')::timestamptz)::float8 as end_epoch;

-- OET's twelve professions; weight = share of users (out of 40).
create unlogged table praxis_seed.professions (profession_no int, profession text, weight int);
insert into praxis_seed.professions values
  (0, 'nursing', 14), (1, 'medicine', 10), (2, 'pharmacy', 3), (3, 'dentistry', 2),
  (4, 'physiotherapy', 2), (5, 'occupational therapy', 1), (6, 'dietetics', 1),
  (7, 'radiography', 2), (8, 'speech pathology', 1), (9, 'optometry', 1),
  (10, 'podiatry', 1), (11, 'veterinary science', 2);

-- Lookup arrays, built once: a draw indexes them instead of searching.
create unlogged table praxis_seed.tables as
select
  (select array_agg(profession_no order by profession_no, n)
     from praxis_seed.professions, generate_series(1, weight) n) as profession_slots,   -- 40 slots
  (select array_agg(hour order by hour, n)
     from unnest(array[1,1,1,0,0,1,2,4,4,3,3,4,6,6,3,3,3,4,7,10,11,10,8,5])
          with ordinality as w(weight, hour_plus_one),
          lateral (select hour_plus_one - 1 as hour) h,
          generate_series(1, weight) n) as hour_slots,                           -- 100 slots
  (select array_agg((praxis_seed.unit(p.seed, k, 50) - 0.5) * 1.6 order by k)
     from praxis_seed.params p, generate_series(0, 12 * 9 - 1) k) as criterion_bias;   -- [profession * 9 + criterion + 1]

create unlogged table praxis_seed.scenarios as
select
  praxis_seed.uuid_for(pa.seed, 1, p.profession_no * 12 + t.topic_no) as scenario_id,
  p.profession_no * 12 + t.topic_no as scenario_no,
  p.profession_no,
  initcap(p.profession) || ': ' || t.topic as title,
  p.profession,
  t.topic_no,
  (array['easy', 'medium', 'hard'])[1 + t.topic_no % 3] as difficulty_level
from praxis_seed.professions p
cross join praxis_seed.params pa
cross join (values
  (0, 'First consultation'), (1, 'Explaining a diagnosis'), (2, 'Medication review'),
  (3, 'Discharge planning'), (4, 'Breaking bad news'), (5, 'Lifestyle advice'),
  (6, 'Post-operative care'), (7, 'Managing an anxious relative'), (8, 'Pain assessment'),
  (9, 'Consent for a procedure'), (10, 'Follow-up of test results'), (11, 'Handling a complaint')
) as t(topic_no, topic);

insert into public.scenarios (id, title, profession, difficulty_level, created_at)
select s.scenario_id, s.title, s.profession, s.difficulty_level,
       p.start_at - interval '30 days' + s.scenario_no * interval '1 hour'
from praxis_seed.scenarios s, praxis_seed.params p;

-- One row per user with the traits that drive their sessions.
create unlogged table praxis_seed.users as
with drawn as (
  select
    i,
    p.start_at + p.days * sqrt(praxis_seed.unit(p.seed, i, 1)) * interval '1 day' as created_at,
    t.profession_slots[1 + floor(praxis_seed.unit(p.seed, i, 2) * 40)::int] as profession_no,
    -ln(1 - praxis_seed.unit(p.seed, i, 3)) as engagement,                   -- exponential, mean 1
    case when praxis_seed.unit(p.seed, i, 4) < 0.15 then 'returning'
         when praxis_seed.unit(p.seed, i, 4) < 0.40 then 'steady'
         else 'fading' end as pattern,
    praxis_seed.unit(p.seed, i, 5) as u_count,
    greatest(80, least(420, 220 + 60 * sqrt(-2 * ln(1 - praxis_seed.unit(p.seed, i, 6)))
                                   * cos(2 * pi() * praxis_seed.unit(p.seed, i, 7)))) as skill,
    8 + 6 * praxis_seed.unit(p.seed, i, 8) as gain,
    praxis_seed.unit(p.seed, i, 9) as u_deleted
  from praxis_seed.params p, praxis_seed.tables t, generate_series(1, p.users) i
)
select
  d.i, praxis_seed.uuid_for(p.seed, 2, d.i) as user_id,
  d.created_at, d.profession_no, d.engagement, d.pattern, d.skill, d.gain, d.u_deleted,
  extract(epoch from d.created_at)::float8 as created_epoch,
  extract(epoch from p.end_at - d.created_at)::float8 as available_seconds,
  -- Later signups have less history; scaling by the available share (mean 1/3
  -- under the sqrt signup curve) keeps the overall mean at sessions_per_user.
  least(3 * p.days,
        floor(p.sessions_per_user * 3 * extract(epoch from p.end_at - d.created_at) / (p.days * 86400.0)
              * d.engagement + d.u_count))::int as session_count
from drawn d, praxis_seed.params p;

insert into public.users (id, email, created_at, profession, deleted_at)
select u.user_id,
       'user' || u.i || '@example.test',
       u.created_at,
       pr.profession,
       case when u.u_deleted < 0.02
            then u.created_at + (u.available_seconds * (0.5 + u.u_deleted * 20)) * interval '1 second' end
from praxis_seed.users u
join praxis_seed.professions pr using (profession_no);

-- Criteria profiles: OET scores each criterion in whole bands (0-6 for the
-- four language criteria, 0-3 for the five clinical-communication ones).
-- Each report starts from one of these: one per (profession, score band of
-- 10 points, variant), biased by profession.
--
-- A report's band for one criterion: the profile's, moved by -1, 0 or +1
-- (one draw of stream p_stream), kept within 0 .. p_max. With nine criteria
-- that makes nearly every report's object its own, as on a live platform;
-- a generator whose reports share a few thousand objects lets PostgreSQL
-- reuse one expansion of each (Memoize), which flatters the criteria step.
create function praxis_seed.band(p_profile jsonb, p_criterion text, p_max int, p_seed bigint, p_key bigint, p_stream int)
returns int
language sql immutable parallel safe
as $$
  select least(p_max, greatest(0, (p_profile ->> p_criterion)::int + floor(praxis_seed.unit(p_seed, p_key, p_stream) * 3)::int - 1))
$$;

create unlogged table praxis_seed.criteria_profiles as
select
  (pr.profession_no * 51 + band) * 8 + variant as profile_no,
  jsonb_build_object(
    'intelligibility',       c.v[1], 'fluency',             c.v[2], 'appropriateness', c.v[3],
    'grammar_expression',    c.v[4], 'relationship_building', c.v[5], 'patient_perspective', c.v[6],
    'structure',             c.v[7], 'information_gathering', c.v[8], 'information_giving',  c.v[9]
  ) as criteria_scores
from praxis_seed.professions pr, praxis_seed.params p, praxis_seed.tables t,
     generate_series(0, 50) band, generate_series(0, 7) variant,
     lateral (
       select array_agg(
                least(max_band, greatest(0, round(
                  max_band * band / 50.0
                  + t.criterion_bias[pr.profession_no * 9 + criterion] * max_band / 6.0
                  + praxis_seed.unit(p.seed, ((pr.profession_no * 51 + band) * 8 + variant) * 16 + criterion, 20) - 0.5
                )))::int order by criterion) as v
       from generate_series(1, 9) criterion,
            lateral (select case when criterion <= 4 then 6 else 3 end as max_band) m
     ) c;
