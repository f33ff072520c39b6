// The reporting time zone is database state: chosen once, refused when a
// process is configured with another, and changed only by an explicit
// command that rebuilds the stored days in one transaction.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures } from './helpers/fixtures.ts';
import { startScheduler } from '../src/scheduler/scheduler.ts';
import { StateError } from '../src/errors.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// "today" for every refresh here: the fixture's days are over
const CLOCK = '2026-01-10T12:00:00Z';

function cli(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const environment = { ...process.env, ANALYTICS_TIMEZONE: undefined, PGOPTIONS: `-c analytics.clock=${CLOCK}`, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: environment }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** Sessions at 23:30 UTC: the same instants fall on the next day in Sydney (UTC+11). */
async function lateEveningSessions(pool: Parameters<typeof fixtures>[0]) {
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T23:30:00Z' },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-06T23:30:00Z' },
    { n: 3, user: 1, scenario: 1, startedAt: '2026-01-06T23:40:00Z' },
  ]);
}

const Zone = z.object({ zone: z.string(), chosen: z.boolean(), through: z.string().nullable() });
const settingsQuery = sql.type(Zone)`
  select reporting_timezone as zone, timezone_chosen_at is not null as chosen, materialized_through::text as through
  from analytics.settings`;

t.test('the first migrate chooses the configured zone; a process configured with another one is refused', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  await lateEveningSessions(pool);
  t.match(await cli(['migrate'], { DATABASE_URL: url, ANALYTICS_TIMEZONE: 'Australia/Sydney' }), { code: 0 });
  t.same(await pool.one(settingsQuery), { zone: 'Australia/Sydney', chosen: true, through: null });

  const refused = await cli(['refresh'], { DATABASE_URL: url, ANALYTICS_TIMEZONE: 'UTC' });
  t.equal(refused.code, 1);
  t.equal(refused.stderr.trimEnd().split('\n').length, 1, `one line: ${refused.stderr}`);
  t.match(refused.stderr, /configured time zone UTC .* differs from the database's reporting time zone Australia\/Sydney: .*`praxis-analytics timezone set UTC`/);
  t.same(await pool.one(settingsQuery), { zone: 'Australia/Sydney', chosen: true, through: null }, 'nothing changed');

  t.match(await cli(['refresh'], { DATABASE_URL: url }), { code: 0, stdout: /recomputed/ }, 'unset: the stored zone is used');
  t.match(await cli(['refresh'], { DATABASE_URL: url }), { code: 0, stdout: 'refresh: nothing due\n' }, 'the first pass stored every day through yesterday');
  t.same(await pool.one(settingsQuery), { zone: 'Australia/Sydney', chosen: true, through: '2026-01-09' });

  await t.rejects(
    startScheduler({ databaseUrl: url, timezone: 'Europe/London', log: () => {} }),
    StateError,
    'a worker configured with another zone does not start',
  );
});

t.test('a refresh with no zone configured confirms the default UTC; a later configured zone is then refused', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await lateEveningSessions(pool);
  t.same(await pool.one(settingsQuery), { zone: 'UTC', chosen: false, through: null }, 'not chosen after the template migrate');
  t.match(await cli(['refresh'], { DATABASE_URL: url }), { code: 0 });
  t.same(await pool.one(settingsQuery), { zone: 'UTC', chosen: true, through: '2026-01-09' }, 'one pass stores through yesterday');
  t.match(await cli(['refresh'], { DATABASE_URL: url, ANALYTICS_TIMEZONE: 'Asia/Kolkata' }), { code: 1, stderr: /Asia\/Kolkata .* UTC/ });
});

t.test('changing the zone rebuilds the stored days in one transaction: readers see the old numbers until it commits', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await lateEveningSessions(pool);
  const connect = async () => {
    const client = new pg.Client({ connectionString: url, options: `-c analytics.clock=${CLOCK}` });
    await client.connect();
    t.teardown(() => client.end());
    return client;
  };
  const changer = await connect();
  const reader = await connect();
  await changer.query(`select analytics.refresh_pending()`);
  const read = async (): Promise<unknown> => (await reader.query<{ zone: string; days: Record<string, number>; stored_rows: number }>(
    `select analytics.reporting_timezone() as zone,
            (select json_object_agg(bucket, sessions_started order by bucket)
             from analytics.session_metrics('2026-01-05', '2026-01-07') where sessions_started > 0) as days,
            (select count(*)::int from analytics.daily_scenario_activity) as stored_rows`)).rows[0];
  const before = await read();
  t.same(before, { zone: 'UTC', days: { '2026-01-05': 1, '2026-01-06': 2 }, stored_rows: 2 });

  await changer.query('begin');
  t.same((await changer.query(`select analytics.set_reporting_timezone('Australia/Sydney') as changed`)).rows, [{ changed: true }]);
  t.same(await read(), before, 'during the rebuild: the old zone and its numbers, all of them');
  await changer.query('commit');

  t.same(await read(), { zone: 'Australia/Sydney', days: { '2026-01-06': 1, '2026-01-07': 2 }, stored_rows: 2 }, 'after: the new zone, stored');
  t.same(await pool.one(settingsQuery), { zone: 'Australia/Sydney', chosen: true, through: '2026-01-09' }, 'the same days are stored');
  t.equal(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from analytics.verify('2026-01-01', '2026-01-09')`), 0);
});

t.test('praxis-analytics timezone shows the zone and says what a change rebuilds', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await lateEveningSessions(pool);
  t.match(await cli(['refresh'], { DATABASE_URL: url }), { code: 0 });
  t.match(await cli(['refresh'], { DATABASE_URL: url }), { code: 0 });
  t.match(await cli(['timezone'], { DATABASE_URL: url }), { code: 0, stdout: /^timezone: UTC \(chosen \d{4}-.*\); 5 stored days \(2026-01-05 \.\. 2026-01-09\)\n$/ });
  t.match(await cli(['timezone', 'set', 'Australia/Sydney'], { DATABASE_URL: url }), {
    code: 0,
    stdout: 'timezone: changing UTC to Australia/Sydney: rebuilding 5 stored days (2026-01-05 .. 2026-01-09) in one transaction; readers keep the UTC numbers until it commits\ntimezone: the database reports in Australia/Sydney now\n',
  });
  t.match(await cli(['timezone', 'set', 'Australia/Sydney'], { DATABASE_URL: url }), { code: 0, stdout: 'timezone: the database already reports in Australia/Sydney\n' });
  t.match(await cli(['timezone', 'set', 'Mars/Olympus'], { DATABASE_URL: url }), { code: 1, stderr: /^praxis-analytics: unknown time zone "Mars\/Olympus": expected an IANA name/ });
  t.match(await cli(['timezone', 'frob'], { DATABASE_URL: url }), { code: 2, stderr: /timezone "frob": expected no argument or set ZONE/ });
});
