import t from 'tap';
import { sql } from 'slonik';
import { findContractProblems } from '../src/contract.ts';
import { createTestDatabase } from './helpers/database.ts';

t.test('the reference platform schema meets the contract', async (t) => {
  const { pool } = await createTestDatabase(t, 'platform');
  t.same(await findContractProblems(pool), []);
});

t.test('an empty database misses every required table, not the optional one', async (t) => {
  const { pool } = await createTestDatabase(t, 'empty');
  t.same(await findContractProblems(pool), [
    'table public.users is missing',
    'table public.scenarios is missing',
    'table public.sessions is missing',
    'table public.feedback_reports is missing',
    'table public.subscriptions is missing',
  ]);
});

t.test('each missing column and wrong type is named with what is expected', async (t) => {
  const { pool } = await createTestDatabase(t, 'platform');
  await pool.query(sql.unsafe`alter table public.sessions drop column duration_seconds`);
  await pool.query(sql.unsafe`alter table public.sessions alter column started_at type timestamp`);
  await pool.query(sql.unsafe`alter table public.feedback_reports alter column criteria_scores type text`);
  t.same(await findContractProblems(pool), [
    'column public.sessions.started_at is timestamp without time zone, expected timestamp with time zone',
    'column public.sessions.duration_seconds is missing (expected integer)',
    'column public.feedback_reports.criteria_scores is text, expected jsonb',
  ]);
});

t.test('hosts may have more columns, another order and wider compatible types', async (t) => {
  const { pool } = await createTestDatabase(t, 'platform');
  await pool.query(sql.unsafe`alter table public.users add column display_name text, alter column email type varchar(320)`);
  await pool.query(sql.unsafe`alter table public.sessions alter column duration_seconds type bigint`);
  await pool.query(sql.unsafe`drop table public.scenarios cascade`);
  await pool.query(sql.unsafe`
    create table public.scenarios (
      created_at timestamptz, internal_notes text, difficulty_level text,
      profession varchar(80), title text, id uuid primary key)`);
  t.same(await findContractProblems(pool), []);
});

t.test('user_progress_snapshots is checked only when the platform has one', async (t) => {
  const { pool } = await createTestDatabase(t, 'platform');
  t.same(await findContractProblems(pool), [], 'absent: fine');
  await pool.query(sql.unsafe`
    create table public.user_progress_snapshots (user_id uuid, snapshot_date text, sessions_completed int)`);
  t.same(await findContractProblems(pool), [
    'column public.user_progress_snapshots.snapshot_date is text, expected date',
    'column public.user_progress_snapshots.average_score is missing (expected numeric)',
    'column public.user_progress_snapshots.total_practice_time is missing (expected integer)',
    'column public.user_progress_snapshots.last_active is missing (expected timestamp with time zone)',
  ]);
});
