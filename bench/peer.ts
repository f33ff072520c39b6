// The peer case of `make bench CASES=peer`: the design card's "naive"
// design, each stored output a plain materialized view over the raw
// platform tables (bench/peer/NN-<output>.sql, in schema bench_peer, with
// the indexes of the rollup it stands for: its primary key as a unique
// index, which CONCURRENTLY needs), timed against the package's 11 rollups
// in the same run:
// - floors: each output computed once from the raw tables and written to a
//   bare heap table (CREATE TABLE AS, no index): no design does less;
// - full rebuild: the package's refresh_pending() after emptying the
//   rollups, against REFRESH and REFRESH CONCURRENTLY of the 11 views;
// - changed days: 1, 7 and 30 days of the last month with up to 1,000
//   sessions each changed, then each side's refresh;
// - longest read: the slowest of reads sent every 100 ms to
//   daily_user_activity during one rebuild of each side (a plain REFRESH
//   locks readers out of the view it rebuilds);
// - reads of a year: each report function against the same report as one
//   query over the views (bench/peer/reads/<report>.sql), the two called in
//   turn, best of 15 each.
// The views' rows are checked against the rollups, and each read's result
// against the function's, before times are compared: a difference aborts
// the bench. Repetitions: BENCH_REPS (default 3). On changed days the peer
// is timed for one day only, unless BENCH_PEER_CHANGED=all: its refresh
// recomputes everything however little changed. BENCH_PEER_PARTS=reads
// builds the views and times the reads only (minutes instead of half an
// hour at half scale, for work on the read path).
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { sql, type CommonQueryMethods, type DatabasePool, type QuerySqlToken } from 'slonik';
import { createDatabasePool } from '../src/db/pool.ts';
import { emptyRollups, formatSpread, type Measurement, type Spread, spreadOf, timed } from './measure.ts';

const PEER_DIR = new URL('./peer/', import.meta.url);
const CHANGED_DAYS = [1, 7, 30] as const;
const SESSIONS_CHANGED_PER_DAY = 1000;
const READ_RUNS = 15;
const READER_INTERVAL_MS = 100;

/** A placeholder's value: a literal (quoted where it is substituted) or SQL text. */
type Value = string | { readonly sql: string };
type Values = Readonly<Record<string, Value>>;
type Settings = { zone: string; through: string };
/** One output of the peer: its name (the rollup's) and its select, placeholders substituted. */
type View = { output: string; select: string };
type Options = { reps: number; peerOnEveryChange: boolean; readsOnly: boolean };

const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** `text` with every {{name}} replaced by its value; a name without one is an error. */
function render(text: string, values: Values): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`bench peer: no value for {{${name}}}`);
    return typeof value === 'string' ? quote(value) : value.sql;
  });
}

const peerFile = (name: string) => readFileSync(new URL(name, PEER_DIR), 'utf8');

/** Rendered SQL text as a query: sql.unsafe takes a template only, so the text is its one frozen part. */
function unsafeText(text: string): QuerySqlToken {
  const parts = Object.freeze(Object.assign([text], { raw: Object.freeze([text]) }));
  return sql.unsafe(parts);
}

/** A file's select as a subquery or view body: a trailing comment must not swallow what follows. */
const body = (select: string) => `(\n${select}\n)`;

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);
const seconds = (value: number) => `${value.toFixed(2)} s`;
/** A time against the package's full rebuild: "1/12 of …" when far below it, else "0.74× …". */
const ofRebuild = (time: number, rebuild: number) =>
  time * 2 < rebuild ? `1/${Math.round(rebuild / time)} of the package's full rebuild` : `${(time / rebuild).toFixed(2)}× the package's full rebuild`;

/** `items` rotated left by `by`, so no arm always runs first or after the same one. */
const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

function options(): Options {
  const reps = Number(process.env.BENCH_REPS ?? 3);
  const changed = process.env.BENCH_PEER_CHANGED ?? '1';
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`bench peer: BENCH_REPS must be a whole number ≥ 1, not "${process.env.BENCH_REPS}"`);
  const parts = process.env.BENCH_PEER_PARTS ?? 'all';
  if (changed !== '1' && changed !== 'all') throw new Error(`bench peer: BENCH_PEER_CHANGED must be 1 or all, not "${changed}"`);
  if (parts !== 'all' && parts !== 'reads') throw new Error(`bench peer: BENCH_PEER_PARTS must be all or reads, not "${parts}"`);
  return { reps, peerOnEveryChange: changed === 'all', readsOnly: parts === 'reads' };
}

async function readSettings(db: CommonQueryMethods): Promise<Settings> {
  return db.one(sql.type(z.object({ zone: z.string(), through: z.string() }))`
    select reporting_timezone as zone, materialized_through::text as through from analytics.settings
    where materialized_through is not null`);
}

/** The peer's outputs in file order (bench/peer/NN-<output>.sql), for the stored days. */
function peerViews(settings: Settings): View[] {
  return readdirSync(PEER_DIR)
    .filter((file) => /^\d\d-\w+\.sql$/.test(file))
    .sort()
    .map((file) => ({ output: file.slice(3, -'.sql'.length), select: render(peerFile(file), settings) }));
}

const peerView = (output: string) => sql.identifier(['bench_peer', output]);

/** Each view with its rollup's indexes, so that a read reaches the same index on both sides. */
async function createPeer(db: CommonQueryMethods, views: readonly View[]): Promise<void> {
  await db.query(sql.unsafe`drop schema if exists bench_peer cascade`);
  await db.query(sql.unsafe`create schema bench_peer`);
  for (const { output, select } of views) {
    await db.query(unsafeText(`create materialized view bench_peer.${output} as ${body(select)}`));
    const statements = await db.anyFirst(sql.type(z.object({ statement: z.string() }))`
      select format('create %sindex on bench_peer.%I %s', case when i.indisunique then 'unique ' else '' end, ${output}::text,
                    regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', 'using ')) as statement
      from pg_index i where i.indrelid = ${`analytics.${output}`}::regclass`);
    for (const statement of statements) await db.query(unsafeText(statement));
    await db.query(sql.unsafe`analyze ${peerView(output)}`);
  }
}

/** Fails, in one line, unless `a` (the package's) and `b` (the peer's) return the same rows: as jsonb, so names count and numeric compares by value. */
async function assertSameRows(db: CommonQueryMethods, what: string, a: string, b: string): Promise<void> {
  const counts = await db.one(sql.type(z.object({ a: z.number(), b: z.number(), only_a: z.number(), only_b: z.number() }))`
    with a as (select to_jsonb(r) as j from ${unsafeText(body(a))} r),
         b as (select to_jsonb(r) as j from ${unsafeText(body(b))} r)
    select (select count(*) from a) as a, (select count(*) from b) as b,
           (select count(*) from (select j from a except all select j from b) x) as only_a,
           (select count(*) from (select j from b except all select j from a) x) as only_b`);
  if (counts.only_a > 0 || counts.only_b > 0) {
    throw new Error(`bench peer: ${what} disagree: ${counts.only_a} of the package's ${counts.a} rows are not the peer's, ` +
      `${counts.only_b} of the peer's ${counts.b} are not the package's (schema bench_peer kept)`);
  }
}

const refreshPending = (db: CommonQueryMethods) => db.query(sql.unsafe`select analytics.refresh_pending()`);

/** Seconds of each view's REFRESH, one statement (and transaction) each, as a scheduled job would run them. */
async function refreshPeer(db: CommonQueryMethods, views: readonly View[], concurrently: boolean): Promise<number[]> {
  const how = concurrently ? sql.fragment`concurrently` : sql.fragment``;
  const times: number[] = [];
  for (const { output } of views) times.push(await timed(() => db.query(sql.unsafe`refresh materialized view ${how} ${peerView(output)}`)));
  return times;
}

/** Best of `reps` CREATE TABLE AS per output: computing it once from the raw tables and writing it. */
async function floors(db: CommonQueryMethods, views: readonly View[], reps: number): Promise<number[]> {
  await db.query(sql.unsafe`drop schema if exists bench_floor cascade`);
  await db.query(sql.unsafe`create schema bench_floor`);
  try {
    const best: number[] = [];
    for (const { output, select } of views) {
      const times: number[] = [];
      for (let rep = 0; rep < reps; rep += 1) {
        await db.query(sql.unsafe`drop table if exists ${sql.identifier(['bench_floor', output])}`);
        times.push(await timed(() => db.query(unsafeText(`create table bench_floor.${output} as ${body(select)}`))));
      }
      best.push(Math.min(...times));
    }
    return best;
  } finally {
    await db.query(sql.unsafe`drop schema bench_floor cascade`);
  }
}

type Rebuilds = { package: Spread; refresh: Spread; concurrently: Spread; perView: Spread[] };

/** Full rebuilds of both sides, `reps` times in rotated order. */
async function fullRebuilds(db: CommonQueryMethods, views: readonly View[], reps: number): Promise<Rebuilds> {
  const perView: number[][] = views.map(() => []);
  const arms = {
    package: async () => {
      await emptyRollups(db);
      return timed(() => refreshPending(db));
    },
    refresh: async () => {
      const times = await refreshPeer(db, views, false);
      times.forEach((time, view) => perView[view]!.push(time));
      return sum(times);
    },
    concurrently: async () => sum(await refreshPeer(db, views, true)),
  };
  const names = Object.keys(arms) as (keyof typeof arms)[];
  const times: Record<keyof typeof arms, number[]> = { package: [], refresh: [], concurrently: [] };
  for (let rep = 0; rep < reps; rep += 1) {
    for (const name of rotate(names, rep)) times[name].push(await arms[name]());
  }
  return {
    package: spreadOf(times.package),
    refresh: spreadOf(times.refresh),
    concurrently: spreadOf(times.concurrently),
    perView: perView.map(spreadOf),
  };
}

/** Up to 1,000 sessions of each local day swap completed <-> abandoned; the same call again undoes it. */
async function swapSessions(db: CommonQueryMethods, zone: string, days: readonly string[]): Promise<void> {
  await db.query(sql.unsafe`
    update public.sessions s
    set completion_status = case s.completion_status when 'completed' then 'abandoned' else 'completed' end
    where s.id in (
      select x.id
      from unnest(${sql.array(days, 'date')}) d,
           lateral (select t.id from public.sessions t
                    where t.started_at >= d::timestamp at time zone ${zone}
                      and t.started_at < (d + 1)::timestamp at time zone ${zone}
                      and t.completion_status in ('completed', 'abandoned')
                    order by t.id limit ${SESSIONS_CHANGED_PER_DAY}) x)`);
}

/** `count` days spread evenly over the 30 days before the last local day with sessions. */
async function daysToChange(db: CommonQueryMethods, zone: string, count: number): Promise<readonly string[]> {
  return db.anyFirst(sql.type(z.object({ day: z.string() }))`
    select ((select (max(s.started_at) at time zone ${zone})::date from public.sessions s) - 1 - i * 30 / ${count}::integer)::text as day
    from generate_series(0, ${count}::integer - 1) i`);
}

type ChangedTimes = { package: number[]; refresh: number[]; concurrently: number[] };

/** Each rep: change the days, time each side's refresh, undo the change and store it again. */
async function changeAndRefresh(db: CommonQueryMethods, views: readonly View[], zone: string, days: readonly string[], reps: number, timePeer: boolean): Promise<ChangedTimes> {
  const times: ChangedTimes = { package: [], refresh: [], concurrently: [] };
  for (let rep = 0; rep < reps; rep += 1) {
    await swapSessions(db, zone, days);
    try {
      times.package.push(await timed(() => refreshPending(db)));
      if (timePeer) {
        // CONCURRENTLY first, while the views are stale, so that it has the
        // changed rows to write; a plain REFRESH rewrites everything anyway.
        times.concurrently.push(sum(await refreshPeer(db, views, true)));
        times.refresh.push(sum(await refreshPeer(db, views, false)));
      }
    } finally {
      await swapSessions(db, zone, days); // whatever happened, the data set is as before
    }
    await refreshPending(db);
  }
  return times;
}

async function changedDays(db: CommonQueryMethods, views: readonly View[], zone: string, fullRebuild: number, { reps, peerOnEveryChange }: Options): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  for (const count of CHANGED_DAYS) {
    const timePeer = count === 1 || peerOnEveryChange;
    const times = await changeAndRefresh(db, views, zone, await daysToChange(db, zone, count), reps, timePeer);
    const what = `${count} changed day${count === 1 ? '' : 's'}`;
    const pkg = spreadOf(times.package);
    measurements.push({
      name: `peer: ${what}, package refresh_pending`,
      value: formatSpread(pkg),
      note: ofRebuild(pkg.median, fullRebuild) +
        (timePeer ? '' : '; peer not timed, its REFRESH redoes everything (BENCH_PEER_CHANGED=all times it)'),
    });
    if (timePeer) {
      for (const [how, spread] of [['REFRESH', spreadOf(times.refresh)], ['REFRESH CONCURRENTLY', spreadOf(times.concurrently)]] as const) {
        measurements.push({
          name: `peer: ${what}, peer ${how} of the 11 views`,
          value: formatSpread(spread),
          note: `${ofRebuild(spread.median, fullRebuild)}; ${(spread.median / pkg.median).toFixed(1)}× the package's refresh`,
        });
      }
    }
  }
  // the views' last refresh saw the change, since undone
  await refreshPeer(db, views, false);
  return measurements;
}

/** The longest a `select count(*)` of `relation`, sent every 100 ms on a connection of its own with no lock_timeout, takes while `work` runs. */
async function longestRead(url: string, relation: string, work: () => Promise<unknown>): Promise<number> {
  const reader = await createDatabasePool(url, { maximumPoolSize: 1, statementTimeout: 'DISABLE_TIMEOUT' });
  try {
    return await reader.connect(async (connection) => {
      await connection.query(sql.unsafe`set lock_timeout = 0`);
      let working = true;
      let longest = 0;
      const reading = (async () => {
        while (working) {
          const took = await timed(() => connection.query(sql.unsafe`select count(*) from ${sql.identifier(relation.split('.'))}`));
          longest = Math.max(longest, took);
          await sleep(Math.max(0, READER_INTERVAL_MS - took * 1000));
        }
      })();
      try {
        await work();
      } finally {
        working = false;
        await reading;
      }
      return longest;
    });
  } finally {
    await reader.end();
  }
}

async function readersBlocked(db: CommonQueryMethods, url: string, views: readonly View[]): Promise<Measurement[]> {
  let refreshed = 0;
  const peer = await longestRead(url, 'bench_peer.daily_user_activity', async () => {
    refreshed = sum(await refreshPeer(db, views, false));
  });
  await emptyRollups(db);
  let rebuilt = 0;
  const pkg = await longestRead(url, 'analytics.daily_user_activity', async () => {
    rebuilt = await timed(() => refreshPending(db));
  });
  const how = `longest select count(*) of daily_user_activity, sent every ${READER_INTERVAL_MS} ms from a second connection (no lock_timeout)`;
  return [
    { name: 'peer: longest read during REFRESH of the 11 views', value: seconds(peer), note: `${how}; the REFRESHes took ${seconds(refreshed)}` },
    // No lock to wait for: a long read here is the reader checking the rows
    // the rebuild is inserting, and taking a core from it.
    { name: 'peer: longest read during the package rebuild', value: seconds(pkg), note: `${how}; refresh_pending took ${seconds(rebuilt)} beside the reader` },
  ];
}

/** A report: the package's call, the peer's file in bench/peer/reads/, and values of its own placeholders. */
type Read = { name: string; call: string; file: string; values?: Values };

const READS: readonly Read[] = [
  ...(['day', 'week', 'month'] as const).map((granularity) => ({
    name: `session_metrics by ${granularity}`,
    call: 'select * from analytics.session_metrics({{from}}, {{to}}, {{granularity}})',
    file: 'session_metrics',
    values: { granularity },
  })),
  ...['active_users', 'scenario_performance', 'time_distribution', 'usage_patterns', 'strength_areas', 'retention']
    .map((report) => ({ name: report, call: `select * from analytics.${report}({{from}}, {{to}})`, file: report })),
  { name: 'subscription_metrics', call: 'select * from analytics.subscription_metrics({{from}}, {{to}})', file: 'subscription_metrics' },
  { name: 'user_activity_metrics by day, busiest user', call: `select * from analytics.user_activity_metrics({{user}}, {{from}}, {{to}}, 'day')`, file: 'user_activity_metrics' },
];

/** The values every read's placeholders draw on: the last 365 stored days, the busiest user in them. */
async function readValues(db: CommonQueryMethods, settings: Settings): Promise<Values> {
  const { from, to, user, month_end } = await db.one(sql.type(z.object({ from: z.string(), to: z.string(), user: z.string(), month_end: z.string() }))`
    select (${settings.through}::date - 364)::text as from, ${settings.through} as to,
           (select a.user_id from analytics.daily_user_activity a
            where a.day between ${settings.through}::date - 364 and ${settings.through}::date
            group by a.user_id order by sum(a.sessions_started) desc, a.user_id limit 1)::text as user,
           (date_trunc('month', ${settings.through}::date::timestamp) + interval '1 month - 1 day')::date::text as month_end`);
  // subscription_metrics computes the months not stored yet live, as the
  // package does: by the peer's own definition, through the range's last month
  const live = render(peerFile('10-monthly_subscriptions.sql'), { ...settings, through: month_end });
  return { ...settings, from, to, user, live_monthly_subscriptions: { sql: live } };
}

async function reads(db: CommonQueryMethods, settings: Settings): Promise<Measurement[]> {
  const values = await readValues(db, settings);
  // The two sides alternate (package, peer, package, …), so that drift on a
  // shared machine falls on both: reads of a few milliseconds moved by 1.5×
  // between two blocks of five in one run.
  const best = async (ours: string, theirs: string) => {
    const times: [number[], number[]] = [[], []];
    for (let run = 0; run < READ_RUNS; run += 1) {
      times[0].push(await timed(() => db.query(unsafeText(ours))));
      times[1].push(await timed(() => db.query(unsafeText(theirs))));
    }
    return times.map((side) => Math.min(...side)) as [number, number];
  };
  const measurements: Measurement[] = [];
  for (const read of READS) {
    const all = { ...values, ...read.values };
    const call = render(read.call, all);
    const peer = render(peerFile(`reads/${read.file}.sql`), all);
    await assertSameRows(db, `read ${read.name}`, call, peer);
    const [pkg, own] = await best(call, peer);
    measurements.push({
      name: `peer: read ${read.name}, one year`,
      value: `${(pkg / own).toFixed(2)}× (package ÷ peer)`,
      note: `package ${(pkg * 1000).toFixed(1)} ms, peer ${(own * 1000).toFixed(1)} ms, best of ${READ_RUNS} each, interleaved`,
    });
  }
  return measurements;
}

function rebuildMeasurements(views: readonly View[], floor: readonly number[], rebuilt: Rebuilds, reps: number): Measurement[] {
  const floors = sum(floor);
  const runs = `${reps} run${reps === 1 ? '' : 's'}, rotated`;
  return [
    ...views.map(({ output }, view) => ({
      name: `peer: ${output}`,
      value: `floor ${seconds(floor[view]!)}`,
      note: `REFRESH ${seconds(rebuilt.perView[view]!.median)} (median), ${(rebuilt.perView[view]!.median / floor[view]!).toFixed(1)}× its floor`,
    })),
    { name: 'peer: sum of the floors (CREATE TABLE AS of each output, best)', value: seconds(floors), note: 'computing every output once from the raw tables and writing it, no index' },
    { name: 'peer: full rebuild, package (refresh_pending after emptying)', value: formatSpread(rebuilt.package), note: `${(rebuilt.package.median / floors).toFixed(1)}× the floors; ${runs}` },
    { name: 'peer: full rebuild, peer REFRESH of the 11 views', value: formatSpread(rebuilt.refresh), note: `${(rebuilt.refresh.median / floors).toFixed(1)}× the floors; ${(rebuilt.refresh.median / rebuilt.package.median).toFixed(2)}× the package` },
    { name: 'peer: full rebuild, peer REFRESH CONCURRENTLY', value: formatSpread(rebuilt.concurrently), note: `${(rebuilt.concurrently.median / floors).toFixed(1)}× the floors; ${(rebuilt.concurrently.median / rebuilt.package.median).toFixed(2)}× the package` },
  ];
}

async function assertSameOutputs(db: CommonQueryMethods, views: readonly View[]): Promise<void> {
  for (const { output } of views) {
    await assertSameRows(db, `analytics.${output} and bench_peer.${output}`, `select * from analytics.${output}`, `select * from bench_peer.${output}`);
  }
}

/** BENCH_PEER_PARTS=reads: the views checked against the rollups, then the reads; the schema dropped after. */
async function checkedReads(db: CommonQueryMethods, views: readonly View[], settings: Settings): Promise<Measurement[]> {
  await assertSameOutputs(db, views);
  const measurements = await reads(db, settings);
  await db.query(sql.unsafe`drop schema bench_peer cascade`);
  return measurements;
}

export async function peerCases(pool: DatabasePool, url: string): Promise<Measurement[]> {
  const opts = options();
  // One connection held throughout: slonik resets a pooled connection
  // (DISCARD ALL) after each query, which would drop work_mem.
  return pool.connect(async (db) => {
    await db.query(sql.unsafe`set work_mem = '256MB'`);
    const settings = await readSettings(db);
    const views = peerViews(settings);
    await createPeer(db, views);
    if (opts.readsOnly) return await checkedReads(db, views, settings);
    const rebuilt = await fullRebuilds(db, views, opts.reps);
    await assertSameOutputs(db, views);
    const floor = await floors(db, views, opts.reps);
    const measurements = [
      ...rebuildMeasurements(views, floor, rebuilt, opts.reps),
      ...(await changedDays(db, views, settings.zone, rebuilt.package.median, opts)),
      ...(await readersBlocked(db, url, views)),
      ...(await reads(db, settings)),
    ];
    // kept when something fails, to be inspected (the next run drops it)
    await db.query(sql.unsafe`drop schema bench_peer cascade`);
    return measurements;
  });
}
