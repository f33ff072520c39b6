// What is in a database, for `praxis-analytics summary` and `demo`: row
// counts of the platform tables, the span of session activity, and the
// migrations applied.
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';

const PlatformCounts = z.object({
  users: z.number(),
  scenarios: z.number(),
  sessions: z.number(),
  feedback_reports: z.number(),
  subscriptions: z.number(),
});
export type PlatformCounts = z.infer<typeof PlatformCounts>;

const ActivitySpan = z.object({ first_session_at: z.string().nullable(), last_session_at: z.string().nullable() });

const Migrations = z.object({ applied: z.number(), latest: z.string().nullable() });

const RecentDay = z.object({
  bucket: z.string(),
  sessions_started: z.number(),
  sessions_completed: z.number(),
  completion_rate: z.string().nullable(),
  average_score: z.string().nullable(),
  active_users: z.number(),
  complete: z.boolean(),
});
export type RecentDay = z.infer<typeof RecentDay>;

export type DatabaseSummary = {
  readonly counts: PlatformCounts;
  readonly firstSessionAt: string | null;
  readonly lastSessionAt: string | null;
  readonly migrationsApplied: number;
  readonly latestMigration: string | null;
  /** The last seven local days of session metrics (empty before the SQL core is migrated). */
  readonly recentDays: readonly RecentDay[];
};

/** Row counts of the platform tables (exact; fine up to a few million rows). */
export async function countPlatformRows(pool: DatabasePool): Promise<PlatformCounts> {
  return pool.one(sql.type(PlatformCounts)`
    select
      (select count(*) from public.users)            as users,
      (select count(*) from public.scenarios)        as scenarios,
      (select count(*) from public.sessions)         as sessions,
      (select count(*) from public.feedback_reports) as feedback_reports,
      (select count(*) from public.subscriptions)    as subscriptions
  `);
}

export async function summarizeDatabase(pool: DatabasePool): Promise<DatabaseSummary> {
  const counts = await countPlatformRows(pool);
  const span = await pool.one(sql.type(ActivitySpan)`
    select min(started_at) as first_session_at, max(started_at) as last_session_at from public.sessions
  `);
  const migrated = await pool.oneFirst(sql.type(z.object({ migrated: z.boolean() }))`
    select to_regclass('analytics.schema_migrations') is not null as migrated
  `);
  const migrations = migrated
    ? await pool.one(sql.type(Migrations)`
        select count(*) as applied, max(name) as latest from analytics.schema_migrations
      `)
    : { applied: 0, latest: null };
  const hasReports = await pool.oneFirst(sql.type(z.object({ present: z.boolean() }))`
    select to_regprocedure('analytics.session_metrics(date, date, text)') is not null as present`);
  const recentDays = hasReports
    ? await pool.any(sql.type(RecentDay)`
        select bucket, sessions_started, sessions_completed, completion_rate, average_score, active_users, complete
        from analytics.session_metrics(
          (now() at time zone analytics.reporting_timezone())::date - 6,
          (now() at time zone analytics.reporting_timezone())::date, 'day')`)
    : [];
  return {
    counts,
    recentDays,
    firstSessionAt: span.first_session_at,
    lastSessionAt: span.last_session_at,
    migrationsApplied: migrations.applied,
    latestMigration: migrations.latest,
  };
}

export function formatSummary(summary: DatabaseSummary): string {
  const { counts } = summary;
  const span = summary.firstSessionAt
    ? `${summary.firstSessionAt.slice(0, 10)} .. ${summary.lastSessionAt?.slice(0, 10)}`
    : 'no sessions yet';
  return [
    `users             ${counts.users}`,
    `scenarios         ${counts.scenarios}`,
    `sessions          ${counts.sessions} (${span})`,
    `feedback reports  ${counts.feedback_reports}`,
    `subscriptions     ${counts.subscriptions}`,
    `migrations        ${summary.migrationsApplied} applied, latest ${summary.latestMigration ?? 'none'}`,
    ...(summary.recentDays.length ? ['', formatRecentDays(summary.recentDays)] : []),
  ].join('\n');
}

function formatRecentDays(days: readonly RecentDay[]): string {
  const header = 'day          started  completed  completion  avg score  active users';
  const rows = days.map((day) =>
    [
      `${day.bucket}${day.complete ? ' ' : '*'}`,
      String(day.sessions_started).padStart(8),
      String(day.sessions_completed).padStart(10),
      (day.completion_rate ?? '-').padStart(11),
      (day.average_score ?? '-').padStart(10),
      String(day.active_users).padStart(13),
    ].join(' '),
  );
  return [header, ...rows, '(* today, so far: computed live from the platform tables)'].join('\n');
}
