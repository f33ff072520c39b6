// A backend as a user writes one: it installs the packed tarball, compiles
// with "strict" and without skipLibCheck (tsconfig.json beside this file),
// and calls every export of docs/backend.md's "Library usage" against the
// database of DATABASE_URL, whose platform tables it seeds itself. Run by
// test/package/run.ts on the lowest Node that `engines` claims, and on 24.
// Prints one "ok <step>" line per step; any failure exits non-zero.
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import pg from 'pg';
import {
  AnalyticsError,
  BusyError,
  ConfigError,
  ContractError,
  DatabaseUnavailableError,
  InvalidParameter,
  METRIC_DEFINITIONS,
  METRICS,
  StateError,
  adoptReportingTimezone,
  analyticsRoutes,
  backfill,
  bearerAuth,
  changeReportingTimezone,
  createAnalytics,
  createDatabasePool,
  metricQuerySchema,
  migrate,
  openApiDocument,
  openMetricCsv,
  parseMetricRequest,
  queryMetric,
  refreshDue,
  seed,
  startScheduler,
  startServer,
  storedTimezone,
  verify,
  type BatchResult,
  type MetricRowOf,
} from '@oet-praxis/analytics';

const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('consumer: set DATABASE_URL');
const ok = (step: string) => console.log(`ok ${step}`);
const check = (condition: boolean, what: string) => {
  if (!condition) throw new Error(`consumer: ${what}`);
};

// The data's "now" and the database's (analytics.clock, set by the runner) agree.
await seed({ databaseUrl, users: 40, days: 30, seed: 7, endAt: new Date('2026-03-01T12:00:00Z'), sessionsPerUser: 6, shards: 1 });
ok('seed');

const analytics = await createAnalytics({ databaseUrl, poolSize: 2, timezone: 'UTC' });
const migrated = await analytics.migrate();
check(migrated.applied.length > 0, 'migrate applied nothing');
ok('createAnalytics().migrate');

const batches: BatchResult[] = await analytics.refresh();
check(batches.length > 0, 'refresh found nothing due');
ok('createAnalytics().refresh');

const runs = await analytics.backfill({ from: '2026-02-01', to: '2026-02-28', force: true, monthsPerChunk: 1, worker: 'consumer' });
check(runs.length === 1, `backfill: ${runs.length} chunks`);
ok('createAnalytics().backfill');

const sessions = await analytics.query('users', { metric: 'sessions_started', startDate: '2026-02-01', endDate: '2026-02-28' });
const rows: readonly MetricRowOf<'users', 'sessions_started'>[] = sessions.rows;
check(rows.length === 28 && rows.some((row) => (row.value ?? 0) > 0), 'query: no sessions in February');
ok('createAnalytics().query');

let csv = '';
await analytics.exportCsv('business', { metric: 'subscriptions', startDate: '2026-01-01', endDate: '2026-02-28' },
  new Writable({ write(chunk: Buffer, _encoding, done) { csv += chunk.toString(); done(); } }));
check(csv.startsWith('bucket,'), `exportCsv: ${csv.slice(0, 40)}`);
ok('createAnalytics().exportCsv');

const freshness = await analytics.freshness();
check(freshness.rows.length > 0, 'freshness: no rows');
ok('createAnalytics().freshness');

try {
  await analytics.query('users', { metric: 'sessions_started', startDate: '2026-02-30', endDate: '2026-03-01' });
  check(false, 'a bad date was accepted');
} catch (error) {
  check(error instanceof InvalidParameter && error instanceof AnalyticsError, `a bad date threw ${String(error)}`);
}
for (const kind of [ConfigError, DatabaseUnavailableError, ContractError, StateError, BusyError]) check(kind.prototype instanceof AnalyticsError, kind.name);
ok('errors');

const app = Fastify();
await app.register(analytics.routes, {
  prefix: '/admin/analytics',
  authenticate: async (request, reply) => {
    if (request.headers['x-role'] !== 'admin') return reply.code(403).send({ error: 'forbidden', message: 'admins only' });
  },
});
const allowed = await app.inject({ url: '/admin/analytics/freshness', headers: { 'x-role': 'admin' } });
const refused = await app.inject({ url: '/admin/analytics/freshness' });
check(allowed.statusCode === 200 && refused.statusCode === 403, `routes: ${allowed.statusCode}, ${refused.statusCode}`);
await app.close();
ok('createAnalytics().routes');

const scheduler = await analytics.startScheduler({ timezone: 'UTC', schema: 'consumer_jobs' });
await scheduler.tick();
await scheduler.stop();
ok('createAnalytics().startScheduler');

// The lower-level pieces.
const query = { metric: 'new_users', startDate: '2026-02-01', endDate: '2026-02-07' };
check(metricQuerySchema('users').parse(query).granularity === 'day', 'metricQuerySchema');
const request = parseMetricRequest('users', query);
check(METRICS.users.includes('new_users') && 'new_users' in METRIC_DEFINITIONS.users, 'METRICS, METRIC_DEFINITIONS');
const slonik = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
try {
  check((await queryMetric(slonik, request)).rows.length === 7, 'queryMetric');
  const stream = await openMetricCsv(pool, request);
  let lines = 0;
  for await (const chunk of stream) lines += String(chunk).split('\n').length - 1;
  check(lines === 8, `openMetricCsv: ${lines} lines`);
  check((await verify(slonik, '2026-02-01', '2026-02-28')).length === 0, 'verify');
  check(Array.isArray(await refreshDue(pool, { worker: 'consumer' })), 'refreshDue');
  check((await backfill(pool, { from: '2026-02-27', to: '2026-02-28', worker: 'consumer', force: true })).length === 1, 'backfill');
  check((await storedTimezone(pool)).zone === 'UTC', 'storedTimezone');
  check(await adoptReportingTimezone(pool, 'UTC') === 'UTC', 'adoptReportingTimezone');
  check(await changeReportingTimezone(pool, 'UTC') === false, 'changeReportingTimezone: UTC is already the zone');
  check((await migrate({ databaseUrl, timezone: 'UTC' })).applied.length === 0, 'migrate twice');
  const own = await startScheduler({ pool, timezone: 'UTC', schema: 'consumer_jobs_pool' });
  await own.stop();
  const host = Fastify();
  await host.register(analyticsRoutes, {
    prefix: '/stats',
    reader: { query: (metric) => queryMetric(slonik, metric), freshness: () => analytics.freshness(), openCsv: (metric) => openMetricCsv(pool, metric) },
    authenticate: bearerAuth('a-token-of-sixteen-chars'),
  });
  check((await host.inject({ url: '/stats/freshness' })).statusCode === 401, 'analyticsRoutes refuses a request without the token');
  const newUsers = await host.inject({ url: '/stats/users?metric=new_users&startDate=2026-02-01&endDate=2026-02-07', headers: { authorization: 'Bearer a-token-of-sixteen-chars' } });
  check(newUsers.statusCode === 200, `analyticsRoutes with the token: ${newUsers.statusCode}`);
  await host.close();
} finally {
  await slonik.end();
  await pool.end();
}
check(typeof openApiDocument('/admin/analytics', 30) === 'object', 'openApiDocument');
const server = await startServer({ databaseUrl, token: 'a-token-of-sixteen-chars', port: 0, logLevel: 'silent' });
check((await fetch(`${server.url}freshness`, { headers: { authorization: 'Bearer a-token-of-sixteen-chars' } })).status === 200, 'startServer');
await server.close();
ok('lower-level exports');

await analytics.close();
