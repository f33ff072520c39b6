// The admin API as a client meets it, over real HTTP: the status codes and
// one-line JSON errors are the contract scripts and the dashboard rely on, the
// token must guard the data but not the static page, and no failure (bad
// input, slow or broken SQL, an exhausted pool) may leak SQL text. The plugin
// is also mounted in a host app to prove it neither needs nor overrides the host's setup.
import Fastify, { type onRequestHookHandler } from 'fastify';
import { Validator } from '@seriousme/openapi-schema-validator';
import { sql, type DatabasePool } from 'slonik';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { createAnalytics } from '../src/analytics.ts';
import { METRICS, type MetricGroup } from '../src/api/request.ts';
import { startServer, type AnalyticsServer, type ServerOptions } from '../src/api/server.ts';
import { ConfigError } from '../src/errors.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const TOKEN = 'api-http-test-token-0123456789';
const AUTH = { authorization: `Bearer ${TOKEN}` };
const WEEK = 'startDate=2026-01-05&endDate=2026-01-07';

type Served = {
  readonly server: AnalyticsServer;
  readonly pool: DatabasePool;
  /** GET a path relative to the server's /admin/analytics/, with the token unless other headers are given. */
  readonly get: (path: string, headers?: Record<string, string>) => Promise<Response>;
};

/** A fresh database and a standalone server on a free port, closed before the database is dropped. */
async function serve(t: Test, options: Partial<ServerOptions> = {}): Promise<Served> {
  const { url, pool } = await createTestDatabase(t);
  const server = await startServer({ databaseUrl: url, token: TOKEN, port: 0, logLevel: 'silent', ...options });
  // tap runs teardowns last-registered first: the server closes before the database is dropped
  t.teardown(() => server.close());
  return {
    server,
    pool,
    get: (path, headers = AUTH) => fetch(new URL(path, server.url), { headers, redirect: 'manual' }),
  };
}

// Two scenarios (one titled like a spreadsheet formula), two users, three
// sessions: two on Monday 2026-01-05, none on Tuesday, one (abandoned) on Wednesday.
async function seedWeek(pool: DatabasePool): Promise<void> {
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }, { n: 2, createdAt: '2026-01-01T09:00:00Z' }]);
  await add.scenarios([{ n: 1, title: 'Discharge planning' }, { n: 2, title: '=HYPERLINK("x")', difficultyLevel: 'hard' }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 2, startedAt: '2026-01-05T11:00:00Z', durationSeconds: 1200 },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-07T10:00:00Z', status: 'abandoned', durationSeconds: 120 },
  ]);
}

/**
 * Runs `during` while another transaction holds an ACCESS EXCLUSIVE lock on
 * analytics.settings, which every metric query reads, so those queries wait.
 */
async function withSettingsLocked<T>(pool: DatabasePool, during: () => Promise<T>): Promise<T> {
  const locked = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const transaction = pool.transaction(async (connection) => {
    await connection.query(sql.unsafe`lock table analytics.settings in access exclusive mode`);
    locked.resolve();
    await release.promise;
  });
  await Promise.race([locked.promise, transaction]);
  try {
    return await during();
  } finally {
    release.resolve();
    await transaction;
  }
}

/** Polls until some backend of this database waits for a lock (deadline 10 s). */
async function untilWaitingForLock(pool: DatabasePool): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const waiting = await pool.oneFirst(sql.type(z.object({ count: z.number() }))`
      select count(*)::int as count from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'`);
    if (waiting > 0) return;
    if (Date.now() > deadline) throw new Error('no query started waiting for the analytics.settings lock within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const noSqlIn = (t: Test, body: string) => {
  t.notMatch(body, /select/i, 'no SQL keyword in the body');
  t.notMatch(body, /analytics\./i, 'no schema-qualified name in the body');
};

t.test('a metric as JSON: the documented envelope and one row per day, empty days included', async (t) => {
  const { pool, get } = await serve(t);
  await seedWeek(pool);

  const response = await get(`users?metric=sessions_started&${WEEK}`);
  t.equal(response.status, 200);
  t.equal(response.headers.get('content-type'), 'application/json; charset=utf-8');
  t.same(await response.json(), {
    metric: 'sessions_started',
    granularity: 'day',
    startDate: '2026-01-05',
    endDate: '2026-01-07',
    timezone: 'UTC',
    dataAsOf: null, // never refreshed: every day is read live
    rows: [
      { bucket: '2026-01-05', value: 2, complete: true },
      { bucket: '2026-01-06', value: 0, complete: true },
      { bucket: '2026-01-07', value: 1, complete: true },
    ],
  });
});

t.test('CSV by format=csv or by Accept: a named attachment, t/f flags, formula-looking text defused', async (t) => {
  const { pool, get } = await serve(t);
  await seedWeek(pool);
  const expected = 'bucket,value,complete\n2026-01-05,2,t\n2026-01-06,0,t\n2026-01-07,1,t\n';

  for (const [how, path, headers] of [
    ['format=csv', `users?metric=sessions_started&${WEEK}&format=csv`, AUTH],
    ['Accept: text/csv', `users?metric=sessions_started&${WEEK}`, { ...AUTH, accept: 'text/csv' }],
  ] as const) {
    const response = await get(path, headers);
    t.equal(response.status, 200, `${how}: 200`);
    t.match(response.headers.get('content-type'), /^text\/csv/, `${how}: a CSV content type`);
    t.equal(response.headers.get('content-disposition'), 'attachment; filename="users-sessions_started-2026-01-05-2026-01-07.csv"',
      `${how}: downloaded under a name that says what it holds`);
    t.equal(await response.text(), expected, `${how}: the rows`);
  }

  const scenarios = await get(`content?metric=scenario_performance&${WEEK}&format=csv`);
  t.equal(scenarios.status, 200);
  t.equal(await scenarios.text(),
    'scenario_id,title,difficulty_level,usage_count,sessions_completed,completion_rate,average_score,average_completion_time\n'
    + `${id('scenario', 1)},Discharge planning,medium,2,1,0.5000,,600.0\n`
    + `${id('scenario', 2)},"'=HYPERLINK(""x"")",hard,1,1,1.0000,,1200.0\n`);
});

t.test('bad input is a 400 that names the parameter and says what is allowed, without a stack', async (t) => {
  const { get } = await serve(t, { maxRangeDays: 30 });
  const cases: [path: string, parameter: string, message: string][] = [
    [`users?metric=revenue&${WEEK}`, 'metric',
      'metric: must be one of: active_users, new_users, sessions_started, sessions_completed, completion_rate, average_score, practice_time, retention, strength_areas, score_progression'],
    ['users?metric=new_users&endDate=2026-01-07', 'startDate', 'startDate: is required'],
    ['users?metric=new_users&startDate=2026-02-30&endDate=2026-03-05', 'startDate', 'startDate: must be a calendar date YYYY-MM-DD'],
    ['users?metric=new_users&startDate=2026-01-07&endDate=2026-01-05', 'startDate', 'startDate: 2026-01-07 is after endDate 2026-01-05'],
    ['users?metric=new_users&startDate=2026-01-01&endDate=2026-01-31', 'endDate', 'endDate: the range is 31 days; at most 30 are allowed'],
    [`users?metric=practice_time&${WEEK}&userId=bob`, 'userId', 'userId: must be a UUID'],
    [`users?metric=new_users&${WEEK}&sql=select%201`, 'sql', 'sql: unknown parameter; allowed: startDate, endDate, metric, granularity, format, userId'],
    [`content?metric=popular_scenarios&${WEEK}&limit=0`, 'limit', 'limit: must be a whole number from 1 to 1000'],
    [`business?metric=active_users&metric=retention&${WEEK}`, 'metric', 'metric: must be one of: active_users, subscriptions, mrr_movements, restatements, usage_patterns, retention'],
  ];
  for (const [path, parameter, message] of cases) {
    const response = await get(path);
    t.equal(response.status, 400, `${path}: 400`);
    // t.same is exact: a `stack` (or any other extra key) fails it
    t.same(await response.json(), { error: 'invalid_parameter', parameter, message }, `${path}: names ${parameter}, no stack`);
  }
});

t.test('the token guards the data, not the dashboard page; unknown routes are JSON 404s', async (t) => {
  const { get } = await serve(t);
  const path = `users?metric=new_users&${WEEK}`;
  const unauthorized = [
    ['no Authorization', {}, 'send Authorization: Bearer <ANALYTICS_ADMIN_TOKEN>'],
    ['a wrong token', { authorization: 'Bearer not-the-token-0123456789' }, 'the bearer token is not valid'],
    ['Basic credentials', { authorization: `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}` }, 'send Authorization: Bearer <ANALYTICS_ADMIN_TOKEN>'],
  ] as const;
  for (const [what, headers, message] of unauthorized) {
    const response = await get(path, headers);
    t.equal(response.status, 401, `${what}: 401`);
    t.equal(response.headers.get('www-authenticate'), 'Bearer realm="analytics"', `${what}: says which scheme to use`);
    t.same(await response.json(), { error: 'unauthorized', message }, `${what}: body`);
  }
  t.equal((await get(path)).status, 200, 'the right token passes');

  const page = await get('', {});
  t.equal(page.status, 200, 'the dashboard page needs no token');
  t.match(page.headers.get('content-type'), /^text\/html/);
  t.match(await page.text(), /<html/i);
  const uplot = await get('assets/uplot.js', {});
  t.equal(uplot.status, 200, 'uPlot needs no token');
  t.match(uplot.headers.get('content-type'), /^text\/javascript/);
  await uplot.arrayBuffer();

  const bare = await get('/admin/analytics', {});
  t.equal(bare.status, 308, 'the prefix without a slash redirects');
  t.equal(bare.headers.get('location'), '/admin/analytics/', '…to the page, so its relative links resolve');
  await bare.arrayBuffer();

  const missing = await get('nope');
  t.equal(missing.status, 404);
  t.same(await missing.json(), { error: 'not_found', message: 'no route GET /admin/analytics/nope' });
});

t.test('a token shorter than 16 characters is refused before anything starts', async (t) => {
  // an unreachable database: if the check were missing, this would fail on the connection instead
  const error = await startServer({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', token: 'short', port: 0, logLevel: 'silent' })
    .then(async (server) => {
      await server.close();
      return undefined;
    }, (reason: unknown) => reason);
  t.ok(error instanceof ConfigError, 'a ConfigError');
  t.equal((error as Error | undefined)?.message, 'ANALYTICS_ADMIN_TOKEN must be at least 16 characters (got 5)');
});

t.test('a query past the statement timeout is a 503 timeout, without SQL', async (t) => {
  const { pool, get } = await serve(t, { statementTimeoutMs: 300 });
  const response = await withSettingsLocked(pool, () => get(`users?metric=sessions_started&${WEEK}`));
  t.equal(response.status, 503);
  const body = await response.text();
  t.same(JSON.parse(body), { error: 'timeout', message: 'the query ran past the statement timeout; try a shorter range or retry later' });
  noSqlIn(t, body);
  t.equal((await get(`users?metric=sessions_started&${WEEK}`)).status, 200, 'the next request, without the lock, succeeds');
});

t.test('a database failure that is not the caller\'s fault is a 500 with no details', async (t) => {
  const { pool, get } = await serve(t);
  await pool.query(sql.unsafe`drop function analytics.usage_patterns(date, date)`);

  const response = await get(`business?metric=usage_patterns&${WEEK}`);
  t.equal(response.status, 500);
  const body = await response.text();
  t.same(JSON.parse(body), { error: 'internal', message: 'the request failed on the server; the error is in its log' });
  noSqlIn(t, body);
  t.notMatch(body, /usage_patterns|does not exist/, 'not the database\'s error message either');
  t.equal((await get(`business?metric=subscriptions&${WEEK}`)).status, 200, 'the other metrics still work');
});

t.test('openapi.json is a valid OpenAPI 3.1 document listing every metric', async (t) => {
  const { get } = await serve(t);
  const response = await get('openapi.json');
  t.equal(response.status, 200);
  type Document = {
    openapi: string;
    servers: { url: string }[];
    paths: Record<string, { get: { parameters?: { name: string; schema: { enum?: unknown[] } }[] } }>;
  };
  const document = (await response.json()) as Document;

  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  t.ok(result.valid, `valid per the OpenAPI schema: ${JSON.stringify(result.errors ?? [])}`);
  t.equal(document.openapi, '3.1.0');
  t.equal(document.servers[0]?.url, '/admin/analytics');
  for (const group of Object.keys(METRICS) as MetricGroup[]) {
    const metric = document.paths[`/${group}`]?.get.parameters?.find((parameter) => parameter.name === 'metric');
    t.same(metric?.schema.enum, METRICS[group], `/${group}: metric= lists every metric`);
  }
});

t.test('freshness has one row per endpoint and metric', async (t) => {
  const { get } = await serve(t);
  const response = await get('freshness');
  t.equal(response.status, 200);
  const body = (await response.json()) as { timezone: string; dataAsOf: string | null; rows: { endpoint: string; metric: string }[] };
  t.same(Object.keys(body).sort(), ['dataAsOf', 'readsFrom', 'replayLagSeconds', 'rows', 'timezone']);
  t.match(body, { readsFrom: 'primary', replayLagSeconds: null }, 'no standby configured');
  t.equal(body.timezone, 'UTC');
  t.equal(body.dataAsOf, null, 'never refreshed');
  const listed = body.rows.map((row) => `${row.endpoint}/${row.metric}`).sort();
  const expected = Object.entries(METRICS).flatMap(([group, metrics]) => metrics.map((metric) => `${group}/${metric}`)).sort();
  t.same(listed, expected);
});

t.test('in a host app: the host\'s prefix and auth, and the host\'s own error handling left alone', async (t) => {
  const { url } = await createTestDatabase(t);
  const analytics = await createAnalytics({ databaseUrl: url });
  const app = Fastify();
  t.teardown(async () => {
    await app.close();
    await analytics.close();
  });
  const adminsOnly: onRequestHookHandler = (request, reply, done) => {
    if (request.headers['x-admin'] === 'yes') {
      done();
      return;
    }
    void reply.code(403).send({ error: 'forbidden' });
  };
  app.get('/boom', async () => {
    throw new Error('host failure');
  });
  await app.register(analytics.routes, { prefix: '/internal/stats', authenticate: adminsOnly });

  const path = `/internal/stats/users?metric=sessions_started&${WEEK}`;
  const refused = await app.inject({ url: path });
  t.equal(refused.statusCode, 403, 'the host\'s hook refuses');
  t.same(refused.json(), { error: 'forbidden' });
  const allowed = await app.inject({ url: path, headers: { 'x-admin': 'yes' } });
  t.equal(allowed.statusCode, 200, 'the host\'s hook lets through');
  t.match(allowed.json(), { metric: 'sessions_started', rows: [{ bucket: '2026-01-05', value: 0 }] });

  const document = await app.inject({ url: '/internal/stats/openapi.json', headers: { 'x-admin': 'yes' } });
  t.equal(document.json<{ servers: { url: string }[] }>().servers[0]?.url, '/internal/stats');

  const boom = await app.inject({ url: '/boom' });
  t.equal(boom.statusCode, 500);
  t.same(boom.json(), { statusCode: 500, error: 'Internal Server Error', message: 'host failure' }, 'Fastify\'s default error body, not the plugin\'s');
  const nowhere = await app.inject({ url: '/nowhere' });
  t.equal(nowhere.statusCode, 404);
  t.same(nowhere.json(), { statusCode: 404, error: 'Not Found', message: 'Route GET:/nowhere not found' }, 'Fastify\'s default 404, not the plugin\'s');
});

t.test('a request that finds no free connection in time is a 503 unavailable', async (t) => {
  const { pool, get } = await serve(t, { poolSize: 1, connectionTimeoutMs: 300, statementTimeoutMs: 5_000 });
  const path = `users?metric=sessions_started&${WEEK}`;
  const [first, second] = await withSettingsLocked(pool, async () => {
    const first = get(path); // takes the only connection and waits for the lock
    await untilWaitingForLock(pool);
    const second = await get(path); // waits for the connection
    return [first, second] as const;
  });
  t.equal(second.status, 503, 'the waiting request gives up');
  const body = await second.text();
  t.same(JSON.parse(body), { error: 'unavailable', message: 'no database connection is available right now; retry later' });
  noSqlIn(t, body);
  t.equal((await first).status, 200, 'the request holding the connection completes once the lock is released');
});
