// migrate on a busy primary: it never makes platform writers queue behind
// it for longer than its lock_timeout, gives up on one line naming the table
// and who held it, and builds the sessions index without blocking writers.
import pg from 'pg';
import t, { type Test } from 'tap';
import { createTestDatabase } from './helpers/database.ts';
import { migrationFiles } from './helpers/migration-text.ts';
import { migrate } from '../src/migrate.ts';
import { StateError } from '../src/errors.ts';

/** Every migration: a fresh database applies them all. */
const MIGRATIONS = (await migrationFiles()).length;
/** Down to and including 0006, which drops the capture triggers. */
const DOWN_THROUGH_CAPTURE = MIGRATIONS - 5;

async function connect(t: Test, url: string, name: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: name });
  await client.connect();
  t.teardown(() => client.end().catch(() => {}));
  return client;
}

/** Resolves once the migrate session is waiting for a lock. */
async function migrateWaitsForLock(observer: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await observer.query(`select 1 from pg_stat_activity
      where application_name = 'praxis-analytics migrate' and wait_event_type = 'Lock'`);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test('a writer holding a lock: migrate gives up on one line, and writers queued behind it get through', async (t) => {
  const { url } = await createTestDatabase(t, 'platform');
  const holder = await connect(t, url, 'platform writer');
  const queued = await connect(t, url, 'another platform writer');
  const observer = await connect(t, url, 'observer');
  // the indexes exist already (as docs/dba.md advises): the wait is the migration's own DDL
  await observer.query('create index analytics_sessions_started_at_idx on public.sessions (started_at)');
  await observer.query('create index analytics_users_created_at_idx on public.users (created_at)');
  await holder.query('begin');
  await holder.query('lock table public.sessions in row exclusive mode');

  const logged: string[] = [];
  const migrating = migrate({ databaseUrl: url, lockTimeoutMs: 300, lockRetries: 1, log: (line) => logged.push(line) });
  const failure = t.rejects(migrating, StateError);
  await migrateWaitsForLock(observer);
  // a writer that arrives while migrate waits queues behind migrate's request…
  const write = queued.query(`update public.sessions set completion_status = 'failed' where false`);
  // …and gets through once migrate's attempt times out, with the holder still open
  await write;
  t.pass('the queued writer finished while the first writer still held its lock');
  await failure;
  const error = await migrating.catch((caught: Error) => caught);
  t.match((error as Error).message, /^migrate: gave up after 2 attempts, each waiting 300 ms \(lock_timeout\) for a \w+Lock on public\.sessions, held by pid \d+ \(platform writer, idle in transaction since .*\); nothing was changed/);
  t.notMatch((error as Error).message, /\n/, 'one line');
  t.same(logged.length, 1, 'one line per retry');
  t.match(logged, [/^migrate: attempt 1 of 2 waited 300 ms for a \w+Lock on public\.sessions, held by pid \d+ \(platform writer.*; rolled back, retrying in 1 s$/]);
  const { rows } = await observer.query(`select to_regclass('analytics.settings') is null as nothing`);
  t.same(rows, [{ nothing: true }], 'the attempts rolled back');

  await holder.query('commit');
  t.match(await migrate({ databaseUrl: url, lockTimeoutMs: 300 }), { applied: { length: MIGRATIONS } }, 'it goes through once the writer has committed');
});

t.test('the platform indexes are built concurrently: writers go on while the build waits', async (t) => {
  const { url } = await createTestDatabase(t, 'platform');
  const holder = await connect(t, url, 'platform writer');
  const writer = await connect(t, url, 'another platform writer');
  const observer = await connect(t, url, 'observer');
  await holder.query('begin');
  await holder.query('lock table public.sessions in row exclusive mode');

  const migrating = migrate({ databaseUrl: url, lockTimeoutMs: 60_000 });
  await migrateWaitsForLock(observer);
  // a plain CREATE INDEX would hold this writer until the holder commits
  await writer.query(`update public.sessions set completion_status = 'failed' where false`);
  t.pass('a writer got through while the index build waited for an older transaction');
  await holder.query('commit');
  t.match(await migrating, { applied: { length: MIGRATIONS } });
  const { rows } = await observer.query(`select indexrelid::regclass::text as index, indisvalid as valid from pg_index
    where indexrelid in ('public.analytics_sessions_started_at_idx'::regclass, 'public.analytics_users_created_at_idx'::regclass) order by 1`);
  t.same(rows, [{ index: 'analytics_sessions_started_at_idx', valid: true }, { index: 'analytics_users_created_at_idx', valid: true }]);
});

t.test('an index build that timed out leaves an invalid index; the retry drops it and builds it again', async (t) => {
  const { url } = await createTestDatabase(t, 'platform');
  const holder = await connect(t, url, 'platform writer');
  const observer = await connect(t, url, 'observer');
  await holder.query('begin');
  await holder.query('lock table public.sessions in row exclusive mode');
  const logged: string[] = [];
  let released: Promise<unknown> | undefined;
  const result = await migrate({
    databaseUrl: url,
    lockTimeoutMs: 300,
    log: (line) => {
      logged.push(line);
      if (line.startsWith('migrate: attempt 1 ')) released = holder.query('commit');
    },
  });
  await released;
  t.match(result, { applied: { length: MIGRATIONS } });
  t.match(logged, [
    /building index public\.analytics_sessions_started_at_idx concurrently/,
    /^migrate: attempt 1 of 4 waited 300 ms for older transactions to end .*held by pid \d+ \(platform writer/,
    /dropping the invalid index public\.analytics_sessions_started_at_idx/,
    /building index public\.analytics_sessions_started_at_idx concurrently/,
    /building index public\.analytics_users_created_at_idx concurrently/,
  ]);
  const { rows } = await observer.query(`select indisvalid as valid from pg_index where indexrelid = 'public.analytics_sessions_started_at_idx'::regclass`);
  t.same(rows, [{ valid: true }]);
});

t.test('migrate down waits no longer than lock_timeout either (DROP TRIGGER takes an ACCESS EXCLUSIVE lock)', async (t) => {
  const { url } = await createTestDatabase(t);
  const holder = await connect(t, url, 'platform reader');
  await holder.query('begin');
  // down through 0006, which drops the triggers: even a reader's ACCESS
  // SHARE lock holds DROP TRIGGER back
  await holder.query('select count(*) from public.sessions');
  await t.rejects(
    migrate({ databaseUrl: url, direction: 'down', count: DOWN_THROUGH_CAPTURE, lockTimeoutMs: 300, lockRetries: 0 }),
    { message: /^migrate: gave up after 1 attempt, waiting 300 ms \(lock_timeout\) for a \w+Lock on public\.\w+, held by pid \d+ \(platform reader/ },
  );
  await holder.query('commit');
  t.match(await migrate({ databaseUrl: url, direction: 'down', count: DOWN_THROUGH_CAPTURE, lockTimeoutMs: 300 }), { applied: { length: DOWN_THROUGH_CAPTURE } });
});
