import t from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { seed, type SeedOptions } from '../src/seed.ts';
import { StateError } from '../src/errors.ts';
import { createTestDatabase } from './helpers/database.ts';

const END = new Date('2026-11-28T12:00:00Z');
const small = (databaseUrl: string, overrides: Partial<SeedOptions> = {}): SeedOptions => ({
  databaseUrl, users: 150, days: 60, seed: 7, endAt: END, sessionsPerUser: 20, ...overrides,
});

// One fingerprint per table: md5 over every row, in id order.
async function fingerprint(pool: DatabasePool): Promise<Record<string, string>> {
  const row = await pool.one(sql.type(z.record(z.string(), z.string()))`
    select
      (select md5(string_agg(u::text, ',' order by id)) from public.users u) as users,
      (select md5(string_agg(s::text, ',' order by id)) from public.scenarios s) as scenarios,
      (select md5(string_agg(s::text, ',' order by id)) from public.sessions s) as sessions,
      (select md5(string_agg(f::text, ',' order by id)) from public.feedback_reports f) as feedback_reports,
      (select md5(string_agg(s::text, ',' order by id)) from public.subscriptions s) as subscriptions
  `);
  return row;
}

t.test('the same flags give the same rows; another seed gives other rows', async (t) => {
  const [a, b, c] = await Promise.all([
    createTestDatabase(t, 'platform'), createTestDatabase(t, 'platform'), createTestDatabase(t, 'empty'),
  ]);
  await seed(small(a.url, { shards: 1 }));
  await seed(small(b.url, { shards: 2 }));   // sharding must not change the data
  await seed(small(c.url, { seed: 8 }));     // also: creates the tables when missing
  const [fa, fb, fc] = await Promise.all([fingerprint(a.pool), fingerprint(b.pool), fingerprint(c.pool)]);
  t.same(fa, fb);
  t.not(fa.sessions, fc.sessions);
  t.not(fa.users, fc.users);
});

t.test('seed refuses a database that already has platform data', async (t) => {
  const { url } = await createTestDatabase(t, 'platform');
  await seed(small(url));
  await t.rejects(seed(small(url)), StateError);
  await t.rejects(seed(small(url)), { message: /public\.users has 150 rows/ });
});

t.test('generated data has the traits the analytics must handle', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  const result = await seed(small(url, { users: 400, days: 120, sessionsPerUser: 40 }));
  t.equal(result.counts.users, 400);
  t.ok(result.counts.sessions > 400 * 40 * 0.7 && result.counts.sessions < 400 * 40 * 1.3,
    `about 40 sessions per user (${result.counts.sessions})`);

  const facts = await pool.one(sql.type(z.record(z.string(), z.union([z.number(), z.boolean()])))`
    select
      (select count(distinct completion_status) from public.sessions) as statuses,
      (select count(*) from public.sessions where completion_status = 'in_progress'
         and (ended_at is not null or duration_seconds is not null)) as in_progress_with_end,
      (select count(*) from public.sessions where completion_status <> 'in_progress'
         and ended_at is distinct from started_at + duration_seconds * interval '1 second') as wrong_end,
      (select count(*) from public.sessions s join public.users u on u.id = s.user_id
         where s.started_at < u.created_at or s.started_at >= ${END.toISOString()}::timestamptz) as outside_life,
      (select count(*) from public.sessions
         where (started_at at time zone 'UTC')::date <> (ended_at at time zone 'UTC')::date) as across_midnight,
      (select count(*) from public.feedback_reports f join public.sessions s on s.id = f.session_id
         where s.completion_status <> 'completed' or f.created_at < s.ended_at) as misplaced_reports,
      (select count(*) from public.feedback_reports f join public.sessions s on s.id = f.session_id
         where f.created_at > s.ended_at + interval '1 hour') as late_reports,
      (select count(*) from public.feedback_reports where score_raw not between 0 and 500) as bad_scores,
      (select bool_and(criteria_scores ?& array['intelligibility', 'fluency', 'appropriateness',
         'grammar_expression', 'relationship_building', 'patient_perspective', 'structure',
         'information_gathering', 'information_giving']) from public.feedback_reports) as all_criteria,
      (select count(distinct billing_interval) from public.subscriptions) as intervals,
      (select count(*) from public.subscriptions where trial_ends_at is not null
         and (ended_at is null or ended_at > trial_ends_at)) as trials_converted,
      (select count(*) from public.subscriptions where ended_at = trial_ends_at) as trials_lapsed,
      (select count(*) from public.users where deleted_at is not null) as deleted_users,
      (select count(*) from public.sessions where extract(isodow from started_at) = 1)
        > (select count(*) from public.sessions where extract(isodow from started_at) = 6) as monday_busier,
      (select count(*) from public.sessions where extract(hour from started_at) between 19 and 21)
        > 5 * (select count(*) from public.sessions where extract(hour from started_at) between 2 and 4) as evening_peak
  `);
  t.equal(facts.statuses, 4, 'in_progress, completed, abandoned and failed all occur');
  t.equal(facts.in_progress_with_end, 0);
  t.equal(facts.wrong_end, 0, 'ended_at = started_at + duration_seconds');
  t.equal(facts.outside_life, 0, 'no session before its user signed up or after the end');
  t.ok(Number(facts.across_midnight) > 0, 'some sessions run past midnight');
  t.equal(facts.misplaced_reports, 0, 'reports only for completed sessions, after they end');
  t.ok(Number(facts.late_reports) > 0, 'some feedback arrives late');
  t.equal(facts.bad_scores, 0);
  t.equal(facts.all_criteria, true, 'every report scores the nine OET criteria');
  t.equal(facts.intervals, 3, 'monthly, quarterly and annual plans');
  t.ok(Number(facts.trials_converted) > 0 && Number(facts.trials_lapsed) > 0, 'trials convert and lapse');
  t.ok(Number(facts.deleted_users) > 0, 'some users are deleted');
  t.equal(facts.monday_busier, true, 'weekday peak');
  t.equal(facts.evening_peak, true, 'hour-of-day peak');

  // Practice pays off: the average score of users' 20th+ sessions beats their first five.
  const progress = await pool.one(sql.type(z.object({ early: z.string(), late: z.string() }))`
    with ranked as (
      select f.score_raw, row_number() over (partition by s.user_id order by s.started_at) as n
      from public.sessions s join public.feedback_reports f on f.session_id = s.id
    )
    select avg(score_raw) filter (where n <= 5)::text as early, avg(score_raw) filter (where n >= 20)::text as late
    from ranked
  `);
  t.ok(Number(progress.late) > Number(progress.early) + 10, `scores improve (${progress.early} -> ${progress.late})`);
});
