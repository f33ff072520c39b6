// Property: however source rows change — inserts, late feedback, status
// changes, moved and deleted sessions, re-dated signups, ended
// subscriptions, TRUNCATE, replica-role writes, writers that commit after a
// refresh started — an incremental refresh leaves every stored aggregate equal
// to a from-scratch recomputation (analytics.verify), and the daily session
// metrics equal an independent oracle written here in TypeScript from the
// raw rows, in a random reporting time zone with DST changes in the window;
// and a forced rebuild after the last refresh records no restatement.
import fc from 'fast-check';
import pg from 'pg';
import t from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { CAPTURE_MODES } from '../src/capture-mode.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const WINDOW = { from: '2026-03-02', to: '2026-04-12' }; // spans New York's (Mar 8) and Sydney's (Apr 5) DST changes
const ZONES = ['UTC', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'] as const;
const USERS = 5;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

const instant = fc
  .integer({ min: 0, max: (Date.parse('2026-04-12T12:00:00Z') - Date.parse('2026-03-01T12:00:00Z')) / 60_000 })
  .map((minutes) => new Date(Date.parse('2026-03-01T12:00:00Z') + minutes * 60_000).toISOString());
const sessionNo = fc.integer({ min: 1, max: 4 });
const status = fc.constantFrom('completed', 'completed', 'abandoned', 'failed', 'in_progress');

const operation = fc.oneof(
  fc.record({ kind: fc.constant('session' as const), n: sessionNo, user: fc.integer({ min: 1, max: USERS }), at: instant, status, seconds: fc.integer({ min: 30, max: 3000 }) }),
  fc.record({ kind: fc.constant('report' as const), n: sessionNo, score: fc.integer({ min: 0, max: 500 }), fluency: fc.integer({ min: 0, max: 6 }) }),
  fc.record({ kind: fc.constant('status' as const), n: sessionNo, status }),
  fc.record({ kind: fc.constant('move' as const), n: sessionNo, at: instant }),
  fc.record({ kind: fc.constant('delete_session' as const), n: sessionNo }),
  fc.record({ kind: fc.constant('delete_report' as const), n: sessionNo }),
  fc.record({ kind: fc.constant('signup' as const), user: fc.integer({ min: 1, max: USERS }), at: instant }),
  fc.record({ kind: fc.constant('subscription' as const), user: fc.integer({ min: 1, max: USERS }), at: instant, days: fc.integer({ min: 1, max: 60 }), ended: fc.boolean() }),
  fc.constant({ kind: 'refresh' as const }),
  fc.constant({ kind: 'truncate_reports' as const }),
  fc.record({ kind: fc.constant('replica_status' as const), n: sessionNo, status }),
  // a writer whose transaction commits after a refresh has started and ended
  fc.record({ kind: fc.constant('late_writer' as const), n: sessionNo, at: instant, score: fc.integer({ min: 0, max: 500 }) }),
);
type Operation = typeof operation extends fc.Arbitrary<infer O> ? O : never;

async function apply(pool: DatabasePool, writer: pg.Client, op: Operation): Promise<void> {
  switch (op.kind) {
    case 'session': {
      const duration = op.status === 'in_progress' ? null : op.seconds;
      await pool.query(sql.unsafe`
        insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
        values (${id('session', op.n)}, ${id('user', op.user)}, ${id('scenario', 1 + (op.n % 2))}, ${op.at},
                ${op.at}::timestamptz + make_interval(secs => ${duration}::int), ${duration}, ${op.status}, now())
        on conflict (id) do nothing`);
      return;
    }
    case 'report':
      await pool.query(sql.unsafe`
        insert into public.feedback_reports (id, session_id, score_raw, criteria_scores, created_at)
        select ${id('report', op.n)}, s.id, ${op.score}, ${sql.jsonb({ fluency: op.fluency, structure: 2 })}, now()
        from public.sessions s where s.id = ${id('session', op.n)}
        on conflict do nothing`);
      return;
    case 'status':
      await pool.query(sql.unsafe`
        update public.sessions set completion_status = ${op.status},
          duration_seconds = case when ${op.status} = 'in_progress' then null else coalesce(duration_seconds, 600) end
        where id = ${id('session', op.n)}`);
      return;
    case 'move':
      await pool.query(sql.unsafe`update public.sessions set started_at = ${op.at} where id = ${id('session', op.n)}`);
      return;
    case 'delete_session':
      await pool.query(sql.unsafe`delete from public.sessions where id = ${id('session', op.n)}`);
      return;
    case 'delete_report':
      await pool.query(sql.unsafe`delete from public.feedback_reports where session_id = ${id('session', op.n)}`);
      return;
    case 'signup':
      await pool.query(sql.unsafe`update public.users set created_at = ${op.at} where id = ${id('user', op.user)}`);
      return;
    case 'subscription':
      await pool.query(sql.unsafe`
        insert into public.subscriptions (id, user_id, plan, status, billing_interval, amount_cents, currency, started_at, ended_at)
        values (gen_random_uuid(), ${id('user', op.user)}, 'standard', 'active', 'year', 29900, 'USD', ${op.at},
                case when ${op.ended} then ${op.at}::timestamptz + make_interval(days => ${op.days}) end)`);
      return;
    case 'refresh':
      await pool.query(sql.unsafe`select analytics.refresh_pending()`);
      return;
    case 'truncate_reports':
      // every session scored and stored first, so that stored days lose reports
      await pool.query(sql.unsafe`
        insert into public.feedback_reports (id, session_id, score_raw, criteria_scores, created_at)
        select gen_random_uuid(), s.id, 250, '{"fluency": 4}', now() from public.sessions s
        on conflict do nothing`);
      await pool.query(sql.unsafe`select analytics.refresh_pending()`);
      await pool.query(sql.unsafe`truncate public.feedback_reports`);
      return;
    case 'replica_status':
      // as a logical-replication apply worker writes, to stored days (every
      // session half the time, so that the change meets stored rows)
      await pool.query(sql.unsafe`select analytics.refresh_pending()`);
      await pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`set local session_replication_role = replica`);
        await tx.query(sql.unsafe`update public.sessions set completion_status = ${op.status},
          duration_seconds = case when ${op.status} = 'in_progress' then null else coalesce(duration_seconds, 600) end
          where id = ${id('session', op.n)} or ${op.n} > 6`);
      });
      return;
    case 'late_writer':
      await writer.query('begin');
      await writer.query(`update public.sessions set started_at = $2 where id = $1`, [id('session', op.n), op.at]);
      await writer.query(`insert into public.feedback_reports (id, session_id, score_raw, criteria_scores, created_at)
        select $2, s.id, $3, '{"fluency": 3}', now() from public.sessions s where s.id = $1 on conflict do nothing`,
      [id('session', op.n), id('report', op.n), op.score]);
      await pool.query(sql.unsafe`select analytics.refresh_pending()`);
      await writer.query('commit');
      return;
  }
}

const RawSession = z.object({
  started_at: z.string(), user_id: z.string(), completion_status: z.string(),
  duration_seconds: z.number().nullable(), score_raw: z.string().nullable(),
});
const Metric = z.object({
  bucket: z.string(), sessions_started: z.number(), sessions_completed: z.number(),
  completion_rate: z.string().nullable(), average_score: z.string().nullable(), practice_minutes: z.string(),
  active_users: z.number(), new_users: z.number(),
});

// The oracle: the metric definitions applied to raw rows, in TypeScript.
async function expectedDailyMetrics(pool: DatabasePool, zone: string) {
  const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const dayOf = (iso: string) => localDay.format(new Date(iso));
  const sessions = await pool.any(sql.type(RawSession)`
    select s.started_at, s.user_id::text, s.completion_status, s.duration_seconds, f.score_raw
    from public.sessions s left join public.feedback_reports f on f.session_id = s.id`);
  const signups = await pool.anyFirst(sql.type(z.object({ created_at: z.string() }))`select created_at from public.users`);
  const days = new Map<string, { started: number; completed: number; finished: number; seconds: number; scores: number[]; users: Set<string>; newUsers: number }>();
  const day = (key: string) => {
    let entry = days.get(key);
    if (!entry) days.set(key, (entry = { started: 0, completed: 0, finished: 0, seconds: 0, scores: [], users: new Set(), newUsers: 0 }));
    return entry;
  };
  for (const s of sessions) {
    const d = day(dayOf(s.started_at));
    d.started += 1;
    d.users.add(s.user_id);
    d.seconds += s.duration_seconds ?? 0;
    if (s.completion_status !== 'in_progress') d.finished += 1;
    if (s.completion_status === 'completed') {
      d.completed += 1;
      if (s.score_raw !== null) d.scores.push(Number(s.score_raw));
    }
  }
  for (const created of signups) day(dayOf(created)).newUsers += 1;
  return days;
}

// Both capture modes: the triggers, and the logical decoding of the WAL.
for (const capture of CAPTURE_MODES) {
  t.test(`incremental refreshes always equal a from-scratch recomputation and the TypeScript oracle (${capture} capture)`, async (t) => {
    const { url, pool } = await createTestDatabase(t, 'migrated', { capture });
    const writer = new pg.Client(url);
    await writer.connect();
    t.teardown(() => writer.end());
    let checks = 0;
    // restatement_log is history: never cleared between runs, counted per run
    let restatementsSoFar = 0;
    const restatementRows: number[] = [];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...ZONES), fc.array(operation, { minLength: 1, maxLength: 14 }), async (zone, operations) => {
        await pool.query(sql.unsafe`truncate public.feedback_reports, public.sessions, public.subscriptions, public.users, public.scenarios cascade`);
        await pool.query(sql.unsafe`select analytics.clear_rollups()`);
        await pool.query(sql.unsafe`update analytics.settings set materialized_through = null, reporting_timezone = 'UTC'`);
        await pool.query(sql.unsafe`select analytics.set_reporting_timezone(${zone})`);
        const add = fixtures(pool);
        await add.users(Array.from({ length: USERS }, (_, i) => ({ n: i + 1, createdAt: '2026-03-01T12:00:00Z' })));
        await add.scenarios([{ n: 1 }, { n: 2 }]);

        for (const op of [...operations, { kind: 'refresh' as const }]) {
          await apply(pool, writer, op);
          if (op.kind !== 'refresh') continue;

          const differences = await pool.any(sql.type(z.object({ object: z.string(), key: z.string() }))`
            select object, key from analytics.verify(${WINDOW.from}::date - 7, ${WINDOW.to}::date + 7)`);
          if (differences.length > 0) throw new Error(`stored differs from recomputed: ${JSON.stringify(differences.slice(0, 3))}`);

          const expected = await expectedDailyMetrics(pool, zone);
          const actual = await pool.any(sql.type(Metric)`
            select bucket, sessions_started, sessions_completed, completion_rate, average_score, practice_minutes, active_users, new_users
            from analytics.session_metrics(${WINDOW.from}::date - 3, ${WINDOW.to}::date + 3, 'day')`);
          for (const row of actual) {
            const e = expected.get(row.bucket);
            const want = {
              sessions_started: e?.started ?? 0,
              sessions_completed: e?.completed ?? 0,
              completion_rate: e && e.finished > 0 ? e.completed / e.finished : null,
              average_score: e && e.scores.length > 0 ? e.scores.reduce((a, b) => a + b, 0) / e.scores.length : null,
              practice_minutes: (e?.seconds ?? 0) / 60,
              active_users: e?.users.size ?? 0,
              new_users: e?.newUsers ?? 0,
            };
            const close = (a: string | null, b: number | null, tolerance: number) =>
              a === null ? b === null : b !== null && Math.abs(Number(a) - b) <= tolerance;
            const same =
              row.sessions_started === want.sessions_started && row.sessions_completed === want.sessions_completed &&
              row.active_users === want.active_users && row.new_users === want.new_users &&
              close(row.completion_rate, want.completion_rate, 0.00005) && close(row.average_score, want.average_score, 0.005) &&
              close(row.practice_minutes, want.practice_minutes, 0.005);
            if (!same) throw new Error(`${zone} ${row.bucket}: got ${JSON.stringify(row)}, oracle ${JSON.stringify(want)}`);
          }
          checks += 1;
        }

        // restatements: a forced rebuild of the window, with nothing changed
        // since the last refresh, records none; and the table stays small
        const restated = () => pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from analytics.restatement_log`);
        const before = await restated();
        await pool.query(sql.unsafe`select analytics.refresh_range(${WINDOW.from}::date - 7, ${WINDOW.to}::date + 7)`);
        if (await restated() !== before) throw new Error(`a forced rebuild that changed nothing recorded ${(await restated()) - before} restatements`);
        const rows = before - restatementsSoFar;
        restatementsSoFar = before;
        restatementRows.push(rows);
      }),
      { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 20261128), endOnFailure: true },
    );
    t.ok(checks >= RUNS, `${checks} refreshes checked against verify() and the oracle`);
    const sorted = [...restatementRows].sort((a, b) => a - b);
    t.comment(`restatements per random history: median ${sorted[Math.floor(sorted.length / 2)]}, max ${sorted.at(-1)}, `
      + `${sorted.reduce((a, b) => a + b, 0)} rows over ${sorted.length} histories and ${checks} refreshes`);
  });
}
