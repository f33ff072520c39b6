// The writes case of `make bench CASES=writes`: what the package's
// change-capture triggers (sql/capture/install_capture_triggers.sql) cost the platform's
// single-row writes, measured with pgbench on the bench database itself.
// "Without the package" is the same database with the four
// analytics_capture_* triggers of each platform table disabled, so both arms
// share the data, the indexes and the caches; the arms are interleaved
// (A B A B …) so that drift (autovacuum, checkpoints, a noisy neighbour)
// falls on both. The package's index on users (created_at), migration 0013,
// is measured the same way: signups with it and with it dropped, triggers on
// in both. Everything the case writes to the platform tables is removed
// again, and every trigger and the index are put back, even on failure.
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { sql } from 'slonik';
import type { DatabasePool } from '../src/db/pool.ts';
import { withPgClient } from '../src/db/sql-file.ts';
import { applyCaptureMode, type CaptureMode } from '../src/capture-mode.ts';
import { type LogicalConsumer, machineCpuSeconds, startLogicalConsumer } from './capture-arms.ts';
import { type Measurement, relative, run, timed } from './measure.ts';

const CLIENTS = 4;
const PAIRS = Number(process.env.BENCH_WRITES_PAIRS ?? 5);
// Which comparisons to run (the last two take about 21 and 12 minutes at
// the defaults): the triggers on / off, the capture modes against no
// package, and the replica identities of sessions.
const PART_NAMES = ['triggers', 'capture', 'identity'];
const PARTS = new Set((process.env.BENCH_WRITES_PARTS ?? PART_NAMES.join(',')).split(','));
const SECONDS = Number(process.env.BENCH_WRITES_SECONDS ?? 8);
const TABLES = ['sessions', 'feedback_reports', 'users', 'subscriptions'];
const TRIGGERS = ['insert', 'update', 'delete', 'truncate'].map((op) => `analytics_capture_${op}`);
// Sessions made for a run of the report INSERT or the DELETE, per second
// of the run: far more than one run uses (a run that empties its pool is an
// error, not a number).
const MADE_PER_SECOND = 10_000;
// The run that the capture and identity comparisons make before each measured one.
const WARM_UP_SECONDS = 2;
const USERS_INDEX = 'analytics_users_created_at_idx';
// The address of every user the case signs up, so that it can remove them.
const BENCH_EMAIL = '@bench-writes.invalid';

/** pgbench's path, or undefined when it is not on PATH. */
export function findPgbench(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    const file = path.join(dir, 'pgbench');
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

// The scripts that use up a row (a session gets its one report, a session
// is deleted) take the next of the sessions made for the run from a
// sequence, each row once whatever each client's pace, so every transaction
// really writes (and the warm-up's rows are not taken again). The other
// scripts pick rows at random.
const NEXT_MADE_N = `(select nextval('bench_writes.made_n'))`;
const toggle = `completion_status = case completion_status when 'completed' then 'abandoned' else 'completed' end`;

type Pools = { users: number; scenarios: number; recent: number; older: number };

function scripts(pools: Pools, lastStart: string) {
  const pick = (table: keyof Pools) => `\\set n random(1, ${pools[table]})\n`;
  return {
    insertSession: {
      title: 'INSERT one session',
      text: `${pick('users')}\\set u :n\n${pick('scenarios')}\\set minutes random(1, 720)
insert into public.sessions (id, user_id, scenario_id, started_at, completion_status, updated_at)
select gen_random_uuid(), u.id, s.id, timestamptz '${lastStart}' + :minutes * interval '1 minute', 'in_progress', now()
from bench_writes.users u, bench_writes.scenarios s where u.n = :u and s.n = :n;\n`,
    },
    insertReport: {
      title: 'INSERT one feedback report',
      text: `insert into public.feedback_reports (id, session_id, score_raw, criteria_scores, created_at)
select gen_random_uuid(), id, 320, '{"fluency": 3, "grammar_expression": 2, "relationship_building": 4}', now()
from bench_writes.made where n = ${NEXT_MADE_N};\n`,
    },
    updateRecent: {
      title: 'UPDATE completion_status of a session of the last day',
      text: `${pick('recent')}update public.sessions set ${toggle} where id = (select id from bench_writes.recent where n = :n);\n`,
    },
    updateOlder: {
      title: 'UPDATE completion_status of a session 10 days before',
      text: `${pick('older')}update public.sessions set ${toggle} where id = (select id from bench_writes.older where n = :n);\n`,
    },
    heartbeat: {
      title: 'UPDATE updated_at only (no metric reads it)',
      text: `${pick('recent')}update public.sessions set updated_at = now() where id = (select id from bench_writes.recent where n = :n);\n`,
    },
    insertUser: {
      title: 'INSERT one user (a signup)',
      text: `insert into public.users (id, email, created_at, profession)
values (gen_random_uuid(), gen_random_uuid() || '${BENCH_EMAIL}', now(), 'nurse');\n`,
    },
    deleteSession: {
      title: 'DELETE one session',
      text: `delete from public.sessions where id = (select id from bench_writes.made where n = ${NEXT_MADE_N});\n`,
    },
    // The lower bound of the UPDATE case: the same update writing one log
    // row (what capture_sessions writes for it) in the same statement.
    updateWithLogRow: {
      title: 'UPDATE completion_status + one log row, same statement',
      text: `${pick('recent')}with u as (
  update public.sessions set ${toggle} where id = (select id from bench_writes.recent where n = :n) returning started_at)
insert into bench_writes.log_copy (source, at) select 'activity', started_at from u;\n`,
    },
  };
}
type ScriptName = keyof ReturnType<typeof scripts>;
const usesMade = (script: ScriptName) => script === 'insertReport' || script === 'deleteSession';
type Arm = { script: ScriptName; triggers: boolean; usersIndex?: boolean };

/** The embedded bench server, which the capture comparison restarts with another wal_level. */
export type ServerControl = {
  restart(settings: readonly string[]): Promise<void>;
};

// The capture comparison: A, the package in logical mode with its consumer
// running (wal_level = logical); B, no capture (wal_level = replica, the
// platform's baseline); B′, no capture at wal_level = logical (the cost of
// the setting alone); T, the capture triggers (wal_level = replica, all
// they need); S, logical mode with a streaming consumer in place of the
// package's (bench/streaming-capture.ts), the design the package did not
// choose. One round runs each once, in this order (two restarts).
const CAPTURE_ARMS = [
  { name: 'B', walLevel: 'replica', capture: 'none' },
  { name: 'T', walLevel: 'replica', capture: 'triggers' },
  { name: 'B′', walLevel: 'logical', capture: 'none' },
  { name: 'A', walLevel: 'logical', capture: 'sql' },
  { name: 'S', walLevel: 'logical', capture: 'stream' },
] as const;
type CaptureArm = (typeof CAPTURE_ARMS)[number];
type RunResult = { tps: number; transactions: number; cpuMs: number; walBytes: number };
type ArmResult = RunResult & { consumerMs: number; clientMs: number; delays: number[] };

// What the old row of an update or delete costs the writer, whichever
// capture reads it: no package, wal_level = logical in every arm (the
// identity is only logged then), and the sessions table's replica identity
// set three ways. D, the default (the primary key: what an analytics-side
// copy of the old values would leave the platform); F, FULL (what logical
// mode sets); I, a unique index on (id, started_at), the narrowest index
// that gives a delete its day. Interleaved rounds D F I.
const IDENTITY_ARMS = [
  { name: 'D', identity: 'default' },
  { name: 'F', identity: 'full' },
  { name: 'I', identity: 'index' },
] as const;
type IdentityArm = (typeof IDENTITY_ARMS)[number];
const IDENTITY_INDEX = 'bench_writes_sessions_identity_idx';

export async function writeCases(pool: DatabasePool, databaseUrl: string, pgbench: string, server?: ServerControl): Promise<Measurement[]> {
  if (![...PARTS].every((part) => PART_NAMES.includes(part))) {
    throw new Error(`bench writes: BENCH_WRITES_PARTS="${process.env.BENCH_WRITES_PARTS}": expected a comma-separated list of ${PART_NAMES.join(', ')}`);
  }
  if (!Number.isInteger(SECONDS) || SECONDS < 1) throw new Error(`bench writes: BENCH_WRITES_SECONDS must be a whole number of seconds, not "${process.env.BENCH_WRITES_SECONDS}"`);

  let mode = 'triggers' as CaptureMode;
  const setTriggers = async (enabled: boolean) => {
    if (mode === 'logical') return; // no capture trigger in logical mode
    // ALWAYS, as migration 0006 leaves them (a plain ENABLE would not fire under replication)
    const state = enabled ? sql.fragment`enable always trigger` : sql.fragment`disable trigger`;
    for (const table of TABLES) {
      await pool.query(sql.unsafe`alter table ${sql.identifier(['public', table])}
        ${sql.join(TRIGGERS.map((trigger) => sql.fragment`${state} ${sql.identifier([trigger])}`), sql.fragment`, `)}`);
    }
  };
  // Back to the data the case found, from what schema bench_writes holds
  // alone (so it also repairs a run that was killed): triggers on, so that
  // what is undone is logged; no bench session or report left; the toggled
  // statuses put back (updated_at, which no metric reads, keeps the
  // heartbeat's values). The made sessions' reports go with them (on
  // delete cascade).
  const restoreData = async () => {
    await setTriggers(true);
    await pool.query(sql.unsafe`delete from public.sessions
      where started_at > (select at from bench_writes.last_start) or id in (select id from bench_writes.made)`);
    await pool.query(sql.unsafe`update public.sessions s set completion_status = p.status
      from (select id, status from bench_writes.recent union all select id, status from bench_writes.older) p
      where s.id = p.id and s.completion_status <> p.status`);
    await pool.query(sql.unsafe`delete from public.users where email like ${'%' + BENCH_EMAIL}`);
    await pool.query(sql.unsafe`create index if not exists ${sql.identifier([USERS_INDEX])} on public.users (created_at)`);
    await pool.query(sql.unsafe`truncate bench_writes.made, bench_writes.log_copy restart identity`); // made_n from 1
  };
  const exists = (table: string) => pool.oneFirst(sql.type(z.object({ ok: z.boolean() }))`select to_regclass(${table}) is not null as ok`);
  if (await exists('bench_writes.last_start')) {
    console.log('bench: writes: undoing the changes of an interrupted run…');
    await restoreData();
    await pool.query(sql.unsafe`select analytics.refresh_pending()`);
  }

  // Numbered rows for the scripts to pick by n. The session pools keep each
  // row's status, for restoreData. last_start is written last: it marks a
  // complete schema, which restoreData can rely on.
  await pool.query(sql.unsafe`drop schema if exists bench_writes cascade`);
  await pool.query(sql.unsafe`create schema bench_writes`);
  const last = sql.fragment`(select max(started_at) from public.sessions)`; // no bench row exists yet
  const toggled = sql.fragment`completion_status in ('completed', 'abandoned')`; // only these two are toggled
  const numberedRows = {
    users: sql.fragment`select id from public.users`,
    scenarios: sql.fragment`select id from public.scenarios`,
    recent: sql.fragment`select id, completion_status as status from public.sessions
      where started_at > ${last} - interval '1 day' and ${toggled}`,
    older: sql.fragment`select id, completion_status as status from public.sessions
      where started_at > ${last} - interval '11 days' and started_at <= ${last} - interval '10 days' and ${toggled}`,
  };
  const pools = {} as Pools;
  for (const [name, select] of Object.entries(numberedRows)) {
    const table = sql.identifier(['bench_writes', name]);
    await pool.query(sql.unsafe`create table ${table} as select row_number() over (order by random()) as n, x.* from (${select}) x`);
    await pool.query(sql.unsafe`alter table ${table} add primary key (n)`);
    pools[name as keyof Pools] = await pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`select count(*) as n from ${table}`);
  }
  await pool.query(sql.unsafe`create table bench_writes.made (n bigint primary key, id uuid not null)`);
  await pool.query(sql.unsafe`create sequence bench_writes.made_n owned by bench_writes.made.n`);
  await pool.query(sql.unsafe`create table bench_writes.log_copy (like analytics.invalidation_log including all)`);
  await pool.query(sql.unsafe`create table bench_writes.last_start as select ${last} as at`);
  const lastStart = await pool.oneFirst(sql.type(z.object({ at: z.string() }))`select at::text as at from bench_writes.last_start`);
  const madeRows = MADE_PER_SECOND * (SECONDS + WARM_UP_SECONDS);

  const dir = await mkdtemp(path.join(tmpdir(), 'bench-writes-'));
  const all = scripts(pools, lastStart);
  const files = {} as Record<ScriptName, string>;
  for (const [name, script] of Object.entries(all)) {
    files[name as ScriptName] = path.join(dir, `${name}.sql`);
    await writeFile(files[name as ScriptName], script.text);
  }

  const url = new URL(databaseUrl);
  const connection = [
    '-h', url.hostname, '-p', url.port || '5432', '-U', decodeURIComponent(url.username),
    decodeURIComponent(url.pathname.slice(1)), // pgbench takes the database name as its argument (-d is --debug)
  ];
  const env = { ...process.env, PGPASSWORD: decodeURIComponent(url.password) };
  // Ctrl-C or SIGTERM ends the case through its `finally`, which re-enables
  // the triggers, instead of ending Node where it stands.
  let interrupted = false;
  const interrupt = () => (interrupted = true);
  process.on('SIGINT', interrupt).on('SIGTERM', interrupt);
  // used: the made rows taken by the runs before this one on the same rows
  const pgbenchRun = async (script: ScriptName, length: string[], used = 0) => {
    if (interrupted) throw new Error('bench writes: interrupted');
    const output = await run(pgbench, ['-n', '-c', String(CLIENTS), '-j', '2', ...length, '-f', files[script], ...connection], env);
    const tps = Number(/^tps = ([\d.]+)/m.exec(output)?.[1]);
    const transactions = Number(/^number of transactions actually processed: (\d+)/m.exec(output)?.[1]);
    if (!(tps > 0 && transactions > 0)) throw new Error(`bench writes: no tps in pgbench's output:\n${output}`);
    if (usesMade(script) && used + transactions > madeRows) {
      throw new Error(`bench writes: ${script} used up its ${madeRows} sessions: shorten BENCH_WRITES_SECONDS (or raise MADE_PER_SECOND)`);
    }
    return { tps, transactions };
  };

  // Every run starts from here: the data the case found, the log consumed,
  // nothing for autovacuum to clean in the middle of the run, no dirty
  // pages for a checkpoint to write during it.
  const settle = async (script?: ScriptName) => {
    await restoreData();
    if (script && usesMade(script)) {
      // Copies of the last day's sessions under new ids, without reports: a
      // report follows a session that just ended, and the only day the runs
      // change stays the last one (the refresh between runs stays short).
      await pool.query(sql.unsafe`with copied as (
          insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
          select gen_random_uuid(), s.user_id, s.scenario_id, s.started_at, s.ended_at, s.duration_seconds, s.completion_status, s.updated_at
          from generate_series(1, ${madeRows}) g
          join bench_writes.recent r on r.n = 1 + g % ${pools.recent} join public.sessions s on s.id = r.id
          returning id)
        insert into bench_writes.made (n, id) select row_number() over (), id from copied`);
    }
    await pool.query(sql.unsafe`select analytics.refresh_pending()`);
    await pool.query(sql.unsafe`vacuum public.sessions, public.feedback_reports, public.users, analytics.invalidation_log, bench_writes.made`);
    await pool.query(sql.unsafe`checkpoint`);
  };

  const measureArm = async (arm: Arm) => {
    await settle(arm.script);
    if (arm.usersIndex === false) await pool.query(sql.unsafe`drop index ${sql.identifier(['public', USERS_INDEX])}`);
    await setTriggers(arm.triggers);
    return (await pgbenchRun(arm.script, ['-T', String(SECONDS)])).tps;
  };

  /** PAIRS interleaved runs of a and b: median tps of each, median and range of a/b. */
  const compare = async (a: Arm, b: Arm) => {
    console.log(`bench: writes: ${all[a.script].title}…`);
    const tpsA: number[] = [];
    const tpsB: number[] = [];
    for (let pair = 0; pair < PAIRS; pair += 1) {
      tpsA.push(await measureArm(a));
      tpsB.push(await measureArm(b));
    }
    const ratios = tpsA.map((tps, i) => tps / tpsB[i]!);
    return { ratio: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios), a: median(tpsA), b: median(tpsB) };
  };
  const range = (result: Awaited<ReturnType<typeof compare>>) =>
    `${result.ratio.toFixed(3)}× tps (pairs ${result.min.toFixed(3)}–${result.max.toFixed(3)})`;

  const measurements: Measurement[] = [];
  const runs = `${PAIRS} interleaved pairs of ${SECONDS} s, pgbench -c ${CLIENTS} -j 2`;
  try {
    if (PARTS.has('triggers')) {
      // What the log gains from 10,000 single-row writes, and what one
      // refresh leaves behind in it.
      console.log('bench: writes: invalidation_log growth…');
      const logSize = () => pool.one(sql.type(z.object({ rows: z.coerce.number(), bytes: z.coerce.number() }))`
        select (select count(*) from analytics.invalidation_log) as rows, pg_total_relation_size('analytics.invalidation_log') as bytes`);
      for (const script of ['insertSession', 'updateRecent'] as const) {
        await settle(script);
        const before = await logSize();
        await pgbenchRun(script, ['-t', String(10_000 / CLIENTS)]);
        const after = await logSize();
        measurements.push({
          name: `invalidation_log growth per 10,000 × ${all[script].title}`,
          value: `${(after.rows - before.rows).toLocaleString('en')} rows, ${((after.bytes - before.bytes) / 1024).toFixed(0)} KiB`,
          note: 'triggers on; pg_total_relation_size (table + index) after − before, from a log just consumed and vacuumed (freed pages are reused first)',
        });
      }
      // A backend's statistics reach pg_stat_user_tables late (up to a second
      // after its transaction): flushed before each reading, so that the
      // refresh's deletes are all counted, and none from before it.
      const canFlush = await pool.oneFirst(sql.type(z.object({ ok: z.boolean() }))`
        select to_regprocedure('pg_stat_force_next_flush()') is not null as ok`);
      const deadTuples = async () => {
        if (canFlush) await pool.query(sql.unsafe`select pg_stat_force_next_flush()`);
        else await sleep(1500); // before PostgreSQL 15: sent every 500 ms at most
        return pool.oneFirst(sql.type(z.object({ n: z.coerce.number() }))`
          select n_dead_tup as n from pg_stat_user_tables where relid = 'analytics.invalidation_log'::regclass`);
      };
      const pending = (await logSize()).rows;
      const deadBefore = await deadTuples();
      const refresh = await timed(() => pool.query(sql.unsafe`select analytics.refresh_pending()`));
      const deadAfter = await deadTuples();
      measurements.push({
        name: `invalidation_log dead tuples left by one refresh_pending() consuming the ${pending.toLocaleString('en')} rows of the UPDATEs`,
        value: (deadAfter - deadBefore).toLocaleString('en'),
        note: `pg_stat_user_tables.n_dead_tup after − before (${deadAfter} − ${deadBefore}); the refresh took ${refresh.toFixed(2)} s; autovacuum of the log starts at 1,000 dead rows`,
      });

      for (const script of ['insertSession', 'insertReport', 'updateRecent', 'updateOlder', 'heartbeat', 'deleteSession'] as const) {
        const result = await compare({ script, triggers: true }, { script, triggers: false });
        measurements.push({
          name: `write: ${all[script].title}, capture triggers on / off`,
          value: range(result),
          note: `median ${Math.round(result.a)} tps on vs ${Math.round(result.b)} off; ${runs}` +
            (script === 'insertSession' ? '; the package\'s index analytics_sessions_started_at_idx exists in both arms, so its cost is not in this ratio' : ''),
        });
      }
      const signup = await compare({ script: 'insertUser', triggers: true, usersIndex: true }, { script: 'insertUser', triggers: true, usersIndex: false });
      measurements.push({
        name: `write: ${all.insertUser.title}, the package's index on users (created_at) present / dropped`,
        value: range(signup),
        note: `median ${Math.round(signup.a)} tps with vs ${Math.round(signup.b)} without (capture triggers on in both); ${runs}`,
      });
      const lower = await compare({ script: 'updateWithLogRow', triggers: false }, { script: 'updateRecent', triggers: false });
      measurements.push({
        name: 'lower bound: UPDATE completion_status + INSERT of one row into a copy of the log, one statement, no trigger, vs the plain UPDATE',
        value: range(lower),
        note: `median ${Math.round(lower.a)} vs ${Math.round(lower.b)} tps (${relative(lower.a, lower.b)}): what writing the log row costs by itself; ${runs}`,
      });

    }
    let walLevel = 'replica'; // as bench/run.ts starts the server
    const useMode = async (wanted: CaptureMode) => {
      if (mode === wanted) return;
      await withPgClient(databaseUrl, (client) => applyCaptureMode(client, wanted, () => {}));
      mode = wanted;
    };
    const useWalLevel = async (wanted: string) => {
      if (wanted === walLevel) return;
      await useMode('triggers'); // a server with a logical slot does not start at wal_level = replica
      await server!.restart([`wal_level=${wanted}`]);
      walLevel = wanted;
    };
    const walPosition = () => pool.oneFirst(sql.type(z.object({ lsn: z.string() }))`select pg_current_wal_insert_lsn()::text as lsn`);
    const walSince = (from: string) => pool.oneFirst(sql.type(z.object({ bytes: z.coerce.number() }))`
      select pg_current_wal_insert_lsn() - ${from}::pg_lsn as bytes`);
    /** One pgbench run after the warm-up: tps, machine CPU and WAL per transaction. */
    const measureRun = async (script: ScriptName, consumer?: LogicalConsumer) => {
      const warm = await pgbenchRun(script, ['-T', String(WARM_UP_SECONDS)]); // warm after a restart, as after a switch
      const cpuBefore = await machineCpuSeconds();
      const consumerBefore = (await consumer?.backendCpuSeconds()) ?? 0;
      const clientBefore = consumer?.clientCpuSeconds() ?? 0;
      const walBefore = await walPosition();
      const { tps, transactions } = await pgbenchRun(script, ['-T', String(SECONDS)], warm.transactions);
      const cpu = (await machineCpuSeconds()) - cpuBefore;
      const consumerCpu = ((await consumer?.backendCpuSeconds()) ?? 0) - consumerBefore;
      const clientCpu = (consumer?.clientCpuSeconds() ?? 0) - clientBefore;
      return {
        tps, transactions, cpuMs: (cpu * 1000) / transactions,
        consumerMs: (consumerCpu * 1000) / transactions, clientMs: (clientCpu * 1000) / transactions,
        walBytes: (await walSince(walBefore)) / transactions,
      };
    };
    const describeRun = (name: string, result: RunResult) =>
      `${name}: ${Math.round(result.tps)} tps, ${Math.round(result.cpuMs * 1000)} µs CPU/tx, ${Math.round(result.walBytes)} B WAL/tx`;
    /** Median ratio of two arms' tps over the rounds, with its range. */
    const ratioOf = (a: readonly { tps: number }[], b: readonly { tps: number }[]) => {
      const ratios = a.map((result, i) => result.tps / b[i]!.tps);
      return `${median(ratios).toFixed(3)}× (rounds ${Math.min(...ratios).toFixed(3)}–${Math.max(...ratios).toFixed(3)})`;
    };
    const perTransaction = (results: readonly RunResult[]) =>
      `${median(results.map((r) => r.cpuMs * 1000)).toFixed(0)} µs CPU, ${median(results.map((r) => r.walBytes)).toFixed(0)} B WAL`;

    if (PARTS.has('capture') && server) {
      const measureCaptureArm = async (script: ScriptName, arm: CaptureArm): Promise<ArmResult> => {
        await useWalLevel(arm.walLevel);
        await useMode(arm.capture === 'sql' || arm.capture === 'stream' ? 'logical' : 'triggers');
        await settle(script);
        await setTriggers(arm.capture === 'triggers');
        const consumer = arm.capture === 'sql' || arm.capture === 'stream'
          ? await startLogicalConsumer(databaseUrl, BENCH_EMAIL, arm.capture) : undefined;
        const result = await measureRun(script, consumer);
        const delays = (await consumer?.stop()) ?? [];
        const p99 = [...delays].sort((a, b) => a - b)[Math.floor(0.99 * delays.length)];
        console.log(`bench: writes:   ${describeRun(arm.name, result)}` +
          (consumer ? `, consumer's server processes ${Math.round(result.consumerMs * 1000)} µs CPU/tx, bench process ${Math.round(result.clientMs * 1000)} µs, ` +
            `commit to log p99 ${p99} ms (${delays.length} probes)` : ''));
        return { ...result, delays };
      };
      for (const script of ['insertSession', 'updateOlder', 'heartbeat', 'insertReport'] as const) {
        console.log(`bench: writes: capture modes, ${all[script].title}…`);
        const results = new Map<CaptureArm['name'], ArmResult[]>(CAPTURE_ARMS.map((arm) => [arm.name, []]));
        for (let pair = 0; pair < PAIRS; pair += 1) {
          for (const arm of CAPTURE_ARMS) results.get(arm.name)!.push(await measureCaptureArm(script, arm));
        }
        const of = (name: CaptureArm['name']) => results.get(name)!;
        const ratio = (a: CaptureArm['name'], b: CaptureArm['name']) => ratioOf(of(a), of(b));
        const delaysOf = (name: 'A' | 'S') => {
          const delays = of(name).flatMap((result) => result.delays).sort((a, b) => a - b);
          const percentile = (p: number) => delays[Math.min(delays.length - 1, Math.floor(p * delays.length))] ?? Number.NaN;
          return `p50 ${percentile(0.5)} ms, p99 ${percentile(0.99)} ms, max ${delays.at(-1)} ms over ${delays.length} probes`;
        };
        const consumerCpu = (name: 'A' | 'S') =>
          `server ${median(of(name).map((r) => r.consumerMs * 1000)).toFixed(0)} µs, bench process ${median(of(name).map((r) => r.clientMs * 1000)).toFixed(0)} µs`;
        const rounds = `${PAIRS} rounds ${CAPTURE_ARMS.map((arm) => arm.name).join(' ')} of ${SECONDS} s after ${WARM_UP_SECONDS} s of warm-up, pgbench -c ${CLIENTS} -j 2`;
        measurements.push({
          name: `capture modes: ${all[script].title}: A/B (logical mode vs no package at wal_level replica)`,
          value: ratio('A', 'B'),
          note: `T/B (triggers) ${ratio('T', 'B')}; B′/B (wal_level logical alone) ${ratio('B′', 'B')}; A/B′ ${ratio('A', 'B′')}; ` +
            `median tps A ${Math.round(median(of('A').map((r) => r.tps)))}, B ${Math.round(median(of('B').map((r) => r.tps)))}, ` +
            `B′ ${Math.round(median(of('B′').map((r) => r.tps)))}, T ${Math.round(median(of('T').map((r) => r.tps)))}; ` +
            `per transaction, machine CPU (server with the decoding, pgbench, consumer) and WAL written: ` +
            CAPTURE_ARMS.map((arm) => `${arm.name} ${perTransaction(of(arm.name))}`).join(', ') + '; ' +
            `of A's CPU, the consumer (its backend: the decoding and the parse) ${consumerCpu('A')}; ` +
            `commit to log in A: ${delaysOf('A')} (a signup every 200 ms, consumer every 500 ms); ${rounds}`,
        });
        measurements.push({
          name: `capture modes: ${all[script].title}: S/A (a streaming consumer vs the package's)`,
          value: ratio('S', 'A'),
          note: `S/B ${ratio('S', 'B')}; median tps S ${Math.round(median(of('S').map((r) => r.tps)))}; ` +
            `of S's CPU, the consumer (walsender and log writer; the parse in the bench process) ${consumerCpu('S')}; ` +
            `commit to log in S: ${delaysOf('S')} (written every 500 ms); ${rounds}`,
        });
      }
    }
    if (PARTS.has('identity') && server) {
      const setIdentity = async (identity: IdentityArm['identity']) => {
        if (identity === 'index') {
          await pool.query(sql.unsafe`create unique index if not exists ${sql.identifier([IDENTITY_INDEX])} on public.sessions (id, started_at)`);
          await pool.query(sql.unsafe`alter table public.sessions replica identity using index ${sql.identifier([IDENTITY_INDEX])}`);
        } else {
          await pool.query(sql.unsafe`alter table public.sessions replica identity ${identity === 'full' ? sql.fragment`full` : sql.fragment`default`}`);
          await pool.query(sql.unsafe`drop index if exists ${sql.identifier(['public', IDENTITY_INDEX])}`);
        }
      };
      const measureIdentityArm = async (script: ScriptName, arm: IdentityArm) => {
        await useWalLevel('logical');
        await useMode('triggers');
        await settle(script);
        await setTriggers(false);
        await setIdentity(arm.identity);
        await pool.query(sql.unsafe`checkpoint`);
        const result = await measureRun(script);
        console.log(`bench: writes:   ${describeRun(arm.name, result)}`);
        return result;
      };
      try {
        for (const script of ['insertSession', 'updateOlder', 'heartbeat', 'deleteSession'] as const) {
          console.log(`bench: writes: replica identity of sessions, ${all[script].title}…`);
          const results = new Map<IdentityArm['name'], RunResult[]>(IDENTITY_ARMS.map((arm) => [arm.name, []]));
          for (let round = 0; round < PAIRS; round += 1) {
            for (const arm of IDENTITY_ARMS) results.get(arm.name)!.push(await measureIdentityArm(script, arm));
          }
          const of = (name: IdentityArm['name']) => results.get(name)!;
          measurements.push({
            name: `replica identity of sessions: ${all[script].title}: FULL / default`,
            value: ratioOf(of('F'), of('D')),
            note: `index (id, started_at) / default ${ratioOf(of('I'), of('D'))}; median tps D ${Math.round(median(of('D').map((r) => r.tps)))}, ` +
              `F ${Math.round(median(of('F').map((r) => r.tps)))}, I ${Math.round(median(of('I').map((r) => r.tps)))}; per transaction: ` +
              IDENTITY_ARMS.map((arm) => `${arm.name} ${perTransaction(of(arm.name))}`).join(', ') +
              `; no package, wal_level logical; ${PAIRS} rounds D F I of ${SECONDS} s after ${WARM_UP_SECONDS} s of warm-up, pgbench -c ${CLIENTS} -j 2`,
          });
        }
      } finally {
        await setIdentity('default');
      }
    }
    if ((PARTS.has('capture') || PARTS.has('identity')) && !server) {
      measurements.push({ name: 'capture modes', value: 'not measured', note: 'needs the embedded bench server (restarted with another wal_level): unset BENCH_DATABASE_URL' });
    } else if (walLevel !== 'replica') {
      await useWalLevel('replica');
    }
  } finally {
    process.off('SIGINT', interrupt).off('SIGTERM', interrupt);
    if (mode === 'logical') {
      await withPgClient(databaseUrl, (client) => applyCaptureMode(client, 'triggers', () => {}));
      mode = 'triggers';
    }
    await restoreData();
    await pool.query(sql.unsafe`delete from analytics.invalidation_log where at >= '2100-01-01'`);
    await pool.query(sql.unsafe`select analytics.refresh_pending()`);
    await pool.query(sql.unsafe`drop schema bench_writes cascade`);
    await rm(dir, { recursive: true, force: true });
  }
  return measurements;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
