// The bloat case of `make bench CASES=bloat`: how big the rollups get when
// the whole history is recomputed again and again (a TRUNCATE of a platform
// table, invalidate_all(), `refresh --force` all cause one), with
// autovacuum as configured and no VACUUM by hand in the measured path.
// Sizes are summed over the rollup tables refresh_pending() maintains:
// pg_total_relation_size = pg_table_size (heap, TOAST, free space and
// visibility maps) + pg_indexes_size.
//
// Two write strategies in one run, each the released definition of
// refresh_pending() that introduced it, read from its frozen migration
// folder, created for the run under another name and dropped afterwards, so
// the case compares them whatever is installed: migration 0006's (deletes
// and re-inserts every recomputed row) and migration 0008's (writes only the
// rows that come, go or change, as the current refresh does).
// Each arm starts from the rollups (and analytics_aggregates) emptied by
// TRUNCATE, setup only, so both start equally compact; then a fresh build of
// the whole history, then three whole-history rebuilds (invalidate_all(),
// then a refresh), with sizes after the first and the third. Last, a zone
// change with the installed functions (clear and rebuild in the new zone,
// then back), which rewrites every row whatever the refresh does.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { withPgClient } from '../src/db/sql-file.ts';
import { type Measurement, relative, timed } from './measure.ts';

const ROLLUPS = [
  'analytics.daily_user_activity',
  'analytics.daily_scenario_activity',
  'analytics.daily_session_durations',
  'analytics.hourly_sessions',
  'analytics.daily_criteria_scores',
  'analytics.daily_active_users',
  'analytics.period_active_users',
  'analytics.user_progress_snapshots',
  'analytics.daily_signups',
  'analytics.weekly_retention',
  'analytics.monthly_subscriptions',
];
const DEFINITIONS = {
  previous: { label: '0006 (delete + insert)', file: '0006_change-capture/03-refresh.sql', name: 'bench_refresh_pending_0006' },
  diff: { label: 'differences only', file: '0008_refresh-writes-only-changes/refresh.sql', name: 'bench_refresh_pending_diff' },
} as const;
type Definition = (typeof DEFINITIONS)[keyof typeof DEFINITIONS];
const OTHER_ZONE = 'Asia/Kolkata';

const Sizes = z.object({
  total: z.number(), heap: z.number(), indexes: z.number(), rows: z.number(), dead: z.number(), autovacuums: z.number(),
  records: z.number(),
});
type Sizes = z.infer<typeof Sizes>;

async function sizes(pool: DatabasePool): Promise<Sizes> {
  // n_dead_tup and autovacuum_count come from the cumulative statistics (a
  // second or so behind); the sizes and row counts are exact.
  const stats = await pool.one(sql.type(Sizes)`
    select sum(pg_catalog.pg_total_relation_size(c.oid))::float8 as total,
           sum(pg_catalog.pg_table_size(c.oid))::float8 as heap,
           sum(pg_catalog.pg_indexes_size(c.oid))::float8 as indexes,
           0::float8 as rows,
           coalesce(sum(s.n_dead_tup), 0)::float8 as dead,
           coalesce(sum(s.autovacuum_count), 0)::float8 as autovacuums,
           pg_catalog.pg_total_relation_size('analytics.analytics_aggregates')::float8 as records
    from unnest(${sql.array(ROLLUPS, 'text')}) t(name)
    join pg_catalog.pg_class c on c.oid = t.name::regclass
    left join pg_catalog.pg_stat_user_tables s on s.relid = c.oid`);
  const rows = await pool.oneFirst(sql.type(z.object({ rows: z.number() }))`
    select (${sql.join(ROLLUPS.map((table) => sql.fragment`(select count(*) from ${sql.identifier(table.split('.'))})`), sql.fragment` + `)})::float8 as rows`);
  return { ...stats, rows };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
const seconds = (value: number) => `${value.toFixed(1)} s`;

/** The definition of refresh_pending() in migrations/`definition.file`, under `definition.name`. */
function definitionText(definition: Definition): string {
  const text = readFileSync(new URL(`../migrations/${definition.file}`, import.meta.url), 'utf8');
  const start = text.indexOf('create or replace function analytics.refresh_pending(');
  const end = text.indexOf('comment on function analytics.refresh_pending(date)');
  if (start < 0 || end < start) throw new Error(`bench: refresh_pending() not found in migrations/${definition.file}`);
  return text.slice(start, end).replace('analytics.refresh_pending(', `analytics.${definition.name}(`);
}

type Arm = { measurements: Measurement[]; bestRebuild: number };

async function runArm(pool: DatabasePool, url: string, definition: Definition): Promise<Arm> {
  await withPgClient(url, (client) => client.query(definitionText(definition)));
  try {
    return await measureArm(pool, definition);
  } finally {
    await pool.query(sql.unsafe`drop function if exists ${sql.identifier(['analytics', definition.name])}(date)`);
  }
}

async function measureArm(pool: DatabasePool, { label, name }: Definition): Promise<Arm> {
  const refresh = sql.unsafe`select ${sql.identifier(['analytics', name])}()`;
  const tables = sql.join(
    [...ROLLUPS, 'analytics.analytics_aggregates'].map((table) => sql.identifier(table.split('.'))), sql.fragment`, `);
  await pool.query(sql.unsafe`truncate ${tables}`);
  await pool.query(sql.unsafe`update analytics.settings set materialized_through = null`);
  await pool.query(sql.unsafe`select analytics.invalidate_all()`);
  // Each timed step starts with the previous one's dirty pages written out,
  // so it pays for its own writes only.
  await pool.query(sql.unsafe`checkpoint`);
  const buildSeconds = await timed(() => pool.query(refresh));
  const fresh = await sizes(pool);
  const rebuilds: { seconds: number; after: Sizes }[] = [];
  for (let n = 1; n <= 3; n += 1) {
    await pool.query(sql.unsafe`select analytics.invalidate_all()`);
    await pool.query(sql.unsafe`checkpoint`);
    const took = await timed(() => pool.query(refresh));
    rebuilds.push({ seconds: took, after: await sizes(pool) });
  }
  const after = (n: 1 | 3): Measurement => {
    const { after: s } = rebuilds[n - 1]!;
    return {
      name: `${label}: after ${n} whole-history rebuild${n === 1 ? '' : 's'} (invalidate_all, refresh)`,
      value: `${ratio(s.total, fresh.total)} (${mib(s.total)})`,
      note: `table ${ratio(s.heap, fresh.heap)}, indexes ${ratio(s.indexes, fresh.indexes)}; ` +
        `dead rows ${s.dead}, autovacuum runs since the build ${s.autovacuums - fresh.autovacuums}; target ≤ 1.2× after 3. ` +
        `Not a rollup: analytics_aggregates ${ratio(s.records, fresh.records)} (${mib(s.records)})`,
    };
  };
  const bestRebuild = Math.min(...rebuilds.map((r) => r.seconds));
  return {
    bestRebuild,
    measurements: [
      {
        name: `${label}: fresh build of every rollup (TRUNCATE, then refresh of the whole history)`,
        value: mib(fresh.total),
        note: `table ${mib(fresh.heap)} + indexes ${mib(fresh.indexes)}; ${fresh.rows} rows; ${seconds(buildSeconds)}`,
      },
      after(1),
      after(3),
      {
        name: `${label}: whole-history rebuild of unchanged data (refresh after invalidate_all)`,
        value: seconds(bestRebuild),
        note: `best of 3 (${rebuilds.map((r) => seconds(r.seconds)).join(', ')})`,
      },
    ],
  };
}

export async function bloatCases(pool: DatabasePool, url: string): Promise<Measurement[]> {
  const previous = await runArm(pool, url, DEFINITIONS.previous);
  const current = await runArm(pool, url, DEFINITIONS.diff);
  current.measurements[3]!.note += `; ${relative(current.bestRebuild, previous.bestRebuild)} 0006's`;

  // A zone change moves every value to other days, so it rewrites every row
  // whatever the refresh does (set_reporting_timezone() clears and rebuilds
  // in one transaction). Then back, so the database ends as it began.
  const zone = await pool.oneFirst(sql.type(z.object({ zone: z.string() }))`
    select reporting_timezone as zone from analytics.settings`);
  const before = await sizes(pool);
  await pool.query(sql.unsafe`checkpoint`);
  const zoneSeconds = await timed(async () => {
    await pool.query(sql.unsafe`select analytics.set_reporting_timezone(${OTHER_ZONE})`);
    await pool.query(sql.unsafe`select analytics.refresh_pending()`); // nothing left to do where the change rebuilt
  });
  const changed = await sizes(pool);
  await pool.query(sql.unsafe`select analytics.set_reporting_timezone(${zone})`);
  await pool.query(sql.unsafe`select analytics.refresh_pending()`);
  const back = await sizes(pool);
  return [
    ...previous.measurements,
    ...current.measurements,
    {
      name: `zone change (set_reporting_timezone to ${OTHER_ZONE}, installed functions) after the rebuilds`,
      value: `${ratio(changed.total, before.total)} (${mib(changed.total)})`,
      note: `of the size before it; table ${ratio(changed.heap, before.heap)}, indexes ${ratio(changed.indexes, before.indexes)}; ` +
        `dead rows ${changed.dead}; ${seconds(zoneSeconds)}. Back to ${zone}: ${ratio(back.total, before.total)}, dead rows ${back.dead}`,
    },
  ];
}
