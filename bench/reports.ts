// The report relations' case of `make bench` (CASES=reports): how each view
// of schema analytics_report reads, and what materialising it would buy.
// - every relation read whole (all rows fetched by the client), as a plain
//   view and as a materialized view of the same rows with an index on its
//   key: the choice between the two in sql/report-relations/ rests on this ratio, and
//   on the REFRESH a materialized view would add to every refresh;
// - one key (a day, a week, a user…) against the whole relation: a filter
//   reaches the rollup's index, so it costs a small fraction.
// Times are medians of 5 runs with their range; ratios come from one run.
import pg from 'pg';
import { type Measurement, timed } from './measure.ts';

const RUNS = 5;

type Spread = { median: number; min: number; max: number };

async function spread(work: () => Promise<unknown>): Promise<Spread> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run += 1) times.push(await timed(work));
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(RUNS / 2)]!, min: times[0]!, max: times[RUNS - 1]! };
}

const ms = (s: Spread) => `${(s.median * 1000).toFixed(1)} ms (${(s.min * 1000).toFixed(1)}–${(s.max * 1000).toFixed(1)})`;

/** [relation, its key columns (indexed in the materialized copy), a one-key filter built from one of its rows] */
const RELATIONS: readonly (readonly [string, string, string])[] = [
  ['platform_daily', 'day', 'day'],
  ['platform_weekly', 'week_start', 'week_start'],
  ['platform_monthly', 'month_start', 'month_start'],
  ['business_monthly', 'month_start', 'month_start'],
  ['scenario_daily', 'day, scenario_id', 'scenario_id'],
  ['scenario_weekly', 'week_start, scenario_id', 'week_start'],
  ['user_daily', 'user_id, day', 'user_id'],
  ['user_progress', 'user_id', 'user_id'],
  ['criteria_daily', 'day, criterion', 'day'],
  ['usage_hourly', 'day, hour', 'day'],
  ['duration_histogram_daily', 'day, scenario_id, from_minutes', 'day'],
  ['retention_weekly', 'cohort_week, week_offset', 'cohort_week'],
];

export async function reportCases(databaseUrl: string): Promise<Measurement[]> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const measurements: Measurement[] = [];
  try {
    await pool.query('drop schema if exists bench_materialized cascade');
    await pool.query('create schema bench_materialized');
    const { rows: [history] } = await pool.query<{ days: number }>('select count(*)::int as days from analytics_report.platform_daily');
    measurements.push({ name: 'reports: stored history', value: `${history!.days} days`, note: 'finished days in analytics_report.platform_daily' });
    for (const [relation, key, filterColumn] of RELATIONS) {
      const view = `analytics_report.${relation}`;
      const copy = `bench_materialized.${relation}`;
      const build = await timed(async () => {
        await pool.query(`create materialized view ${copy} as select * from ${view}`);
        await pool.query(`create unique index on ${copy} (${key})`);
        await pool.query(`analyze ${copy}`);
      });
      const refresh = await timed(() => pool.query(`refresh materialized view concurrently ${copy}`));
      const { rows: [sample] } = await pool.query<{ value: string; count: number }>(
        `select ${filterColumn}::text as value, (select count(*)::int from ${copy}) as count from ${copy} order by ${filterColumn} offset (select count(*) / 2 from ${copy}) limit 1`);
      if (!sample) {
        measurements.push({ name: `reports: ${relation}`, value: 'no rows', note: 'the data set has no finished period for it' });
        continue;
      }
      const filter = `where ${filterColumn} = $1`;
      const viewAll = await spread(() => pool.query(`select * from ${view}`));
      const copyAll = await spread(() => pool.query(`select * from ${copy}`));
      const viewOne = await spread(() => pool.query(`select * from ${view} ${filter}`, [sample.value]));
      const copyOne = await spread(() => pool.query(`select * from ${copy} ${filter}`, [sample.value]));
      measurements.push({
        name: `reports: ${relation}, all ${sample.count} rows`,
        value: ms(viewAll),
        note: `${(viewAll.median / copyAll.median).toFixed(1)}× a materialized copy (${ms(copyAll)}; its build ${build.toFixed(1)} s, REFRESH CONCURRENTLY ${refresh.toFixed(1)} s)`,
      }, {
        name: `reports: ${relation} ${filterColumn} = one value`,
        value: ms(viewOne),
        note: `1/${Math.round(viewAll.median / viewOne.median)} of reading all; materialized ${ms(copyOne)}`,
      });
    }
  } finally {
    await pool.query('drop schema if exists bench_materialized cascade');
    await pool.end();
  }
  return measurements;
}
