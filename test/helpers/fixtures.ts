// Tiny hand-made fixtures: a few rows with readable ids and only the fields a
// test cares about, the rest defaulted. `id('user', 1)` is
// 00000000-0000-0000-0001-000000000001 (kind number, then the row number),
// so a failing assertion names rows a reader can find.
import { sql, type DatabasePool } from 'slonik';

const KINDS = { user: 1, scenario: 2, session: 3, report: 4, subscription: 5 } as const;

export const id = (kind: keyof typeof KINDS, n: number): string =>
  `00000000-0000-0000-${String(KINDS[kind]).padStart(4, '0')}-${String(n).padStart(12, '0')}`;

export type UserRow = { n: number; createdAt: string; profession?: string; deletedAt?: string | null };
export type ScenarioRow = { n: number; profession?: string; difficultyLevel?: string; title?: string };
export type SessionRow = {
  n: number;
  user: number;
  scenario: number;
  startedAt: string;
  durationSeconds?: number | null;
  status?: 'in_progress' | 'completed' | 'abandoned' | 'failed';
};
export type ReportRow = { session: number; scoreRaw: number; criteria?: Record<string, number>; createdAt?: string };
export type SubscriptionRow = {
  n: number;
  user: number;
  billingInterval?: 'month' | 'quarter' | 'year';
  amountCents?: number;
  currency?: string;
  startedAt: string;
  trialEndsAt?: string | null;
  canceledAt?: string | null;
  endedAt?: string | null;
  status?: 'trialing' | 'active' | 'past_due' | 'canceled';
};

export function fixtures(pool: DatabasePool) {
  return {
    async users(rows: UserRow[]) {
      for (const row of rows) {
        await pool.query(sql.unsafe`
          insert into public.users (id, email, created_at, profession, deleted_at)
          values (${id('user', row.n)}, ${`user${row.n}@example.test`}, ${row.createdAt},
                  ${row.profession ?? 'nursing'}, ${row.deletedAt ?? null})`);
      }
    },
    async scenarios(rows: ScenarioRow[]) {
      for (const row of rows) {
        await pool.query(sql.unsafe`
          insert into public.scenarios (id, title, profession, difficulty_level, created_at)
          values (${id('scenario', row.n)}, ${row.title ?? `Scenario ${row.n}`}, ${row.profession ?? 'nursing'},
                  ${row.difficultyLevel ?? 'medium'}, '2020-01-01T00:00:00Z')`);
      }
    },
    async sessions(rows: SessionRow[]) {
      for (const row of rows) {
        const status = row.status ?? 'completed';
        const duration = row.durationSeconds === undefined ? (status === 'in_progress' ? null : 600) : row.durationSeconds;
        await pool.query(sql.unsafe`
          insert into public.sessions
            (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
          values (${id('session', row.n)}, ${id('user', row.user)}, ${id('scenario', row.scenario)},
                  ${row.startedAt},
                  ${row.startedAt}::timestamptz + make_interval(secs => ${duration}::int),
                  ${duration}, ${status},
                  coalesce(${row.startedAt}::timestamptz + make_interval(secs => ${duration}::int), ${row.startedAt}::timestamptz))`);
      }
    },
    async reports(rows: ReportRow[]) {
      for (const row of rows) {
        await pool.query(sql.unsafe`
          insert into public.feedback_reports (id, session_id, score_raw, criteria_scores, created_at)
          select ${id('report', row.session)}, s.id, ${row.scoreRaw}, ${sql.jsonb(row.criteria ?? {})},
                 coalesce(${row.createdAt ?? null}::timestamptz, s.ended_at, s.started_at)
          from public.sessions s where s.id = ${id('session', row.session)}`);
      }
    },
    async subscriptions(rows: SubscriptionRow[]) {
      for (const row of rows) {
        await pool.query(sql.unsafe`
          insert into public.subscriptions
            (id, user_id, plan, status, billing_interval, amount_cents, currency,
             started_at, trial_ends_at, canceled_at, ended_at)
          values (${id('subscription', row.n)}, ${id('user', row.user)}, 'standard',
                  ${row.status ?? (row.endedAt ? 'canceled' : 'active')}, ${row.billingInterval ?? 'month'},
                  ${row.amountCents ?? 3900}, ${row.currency ?? 'USD'}, ${row.startedAt}, ${row.trialEndsAt ?? null},
                  ${row.canceledAt ?? null}, ${row.endedAt ?? null})`);
      }
    },
  };
}
