// The CLI's commands: each one's usage, and its module, loaded only when the
// command runs, so `--version`, `help` and a mistyped name cost no more than
// Node's start (the modules of every command together load pg, slonik,
// pg-boss, Fastify and zod).
import type { Config } from '../config.ts';

export type CommandRun = (argv: readonly string[], config: Config) => Promise<void>;

export type CommandEntry = {
  /** The command and its synopsis, then what it does, indented by four spaces. */
  readonly usage: string;
  readonly load: () => Promise<CommandRun>;
};

export const COMMANDS: Record<string, CommandEntry> = {
  migrate: {
    usage: `migrate [up|down] [--count N]
    Apply pending migrations (up, the default) or revert the last N (down,
    default 1). Checks the server version and the source contract first;
    builds the sessions index concurrently; every statement waits at most
    ANALYTICS_LOCK_TIMEOUT (default 5s) for a lock, and a migration that
    timed out is rolled back and retried 3 times. Re-running is a no-op.
    Ends by saying which days of history are not stored yet, and the
    refresh command that stores them.`,
    load: async () => (await import('./commands/migrate.ts')).migrateCommand,
  },
  doctor: {
    usage: `doctor
    Check the server version (PostgreSQL 15 to 18) and the database against
    the source contract (docs/dba.md): lists every
    missing table, missing column and wrong type; once migrated, also every
    missing or disabled capture trigger and missing index, each on its own
    line with what to run; exits 1 when any. Lists the currencies of the
    subscriptions. Says which days of history are not stored yet and how to
    store them (not a failure).`,
    load: async () => (await import('./commands/doctor.ts')).doctorCommand,
  },
  refresh: {
    usage: `refresh [--from DATE --to DATE [--force] [--months-per-chunk N]]
    Without a range: one pass now, what one worker tick does: every due or
    invalidated day/week/month bucket, oldest first.
    With a range: the backfill of those local days, N calendar months per
    transaction (--months-per-chunk, default 6), with progress; re-running
    skips chunks already fresh (resumable), unless --force.`,
    load: async () => (await import('./commands/refresh.ts')).refreshCommand,
  },
  verify: {
    usage: `verify [--from DATE --to DATE]
    Compare every stored aggregate of the range (default: all stored days)
    with a from-scratch recomputation; print each difference; exit 1 if any.`,
    load: async () => (await import('./commands/verify.ts')).verifyCommand,
  },
  timezone: {
    usage: `timezone [set ZONE]
    Show the reporting time zone stored in the database, or change it: the
    stored days are rebuilt in ZONE in one transaction (readers see the old
    zone's numbers until it commits), then the rollups are vacuumed. Running
    workers follow the new zone at their next tick.`,
    load: async () => (await import('./commands/timezone.ts')).timezoneCommand,
  },
  worker: {
    usage: `worker [--schema NAME] [--heartbeat-seconds N] [--retry-delay-seconds N]
       [--poll-seconds N] [--supervise-seconds N]
    Run the scheduled refresh (pg-boss, in schema NAME, default analytics_jobs)
    until SIGTERM or Ctrl-C: cron ticks in the reporting time zone enqueue every
    due day/week/month bucket; each is refreshed once across all workers.`,
    load: async () => (await import('./commands/worker.ts')).workerCommand,
  },
  serve: {
    usage: `serve [--host H] [--port N]
    Serve the admin analytics API and dashboard under /admin/analytics
    (default 127.0.0.1:3000, also HOST/PORT) until SIGTERM or Ctrl-C. Every
    data request needs Authorization: Bearer $ANALYTICS_ADMIN_TOKEN.`,
    load: async () => (await import('./commands/serve.ts')).serveCommand,
  },
  seed: {
    usage: `seed [--users N] [--days D] [--seed S] [--sessions-per-user K] [--end TIMESTAMP]
    Generate deterministic, realistic data into empty reference platform
    tables (created when missing). Defaults: 2000 users, 365 days, seed 1,
    50 sessions per user, ending now. Same flags => same rows.`,
    load: async () => (await import('./commands/seed.ts')).seedCommand,
  },
  summary: {
    usage: `summary
    Print what the database holds: platform row counts, the span of session
    activity, and the analytics migrations applied.`,
    load: async () => (await import('./commands/summary.ts')).summaryCommand,
  },
  demo: {
    usage: `demo [seed flags]
    Start an embedded PostgreSQL unless DATABASE_URL is set, load demo data
    when the platform tables are absent or empty, migrate, refresh, print a
    summary, then run the refresh worker and the admin API and dashboard
    (HOST:PORT, default 127.0.0.1:3000) until Ctrl-C.`,
    load: async () => (await import('./commands/demo.ts')).demoCommand,
  },
};
