// One learner's reports (the dashboard's learner view): a userId the platform
// does not know is a 404, so a mistyped or pasted-wrong id is not mistaken for
// a learner who simply did not practise (whose series are all zeros). Known
// users, deleted ones included, are answered as before; a malformed id stays
// a 400. Real HTTP over a real database, through analytics.user_known().
import t, { type Test } from 'tap';
import { createAnalytics } from '../src/analytics.ts';
import { UnknownUser } from '../src/api/request.ts';
import { startServer } from '../src/api/server.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const TOKEN = 'api-learner-test-token-0123456789';
const RANGE = 'startDate=2026-01-05&endDate=2026-01-11';
// every users metric that takes a userId (request.ts PER_USER)
const PER_USER = ['sessions_started', 'sessions_completed', 'completion_rate', 'average_score', 'practice_time', 'strength_areas', 'score_progression'];
const UNKNOWN = id('user', 9);

// User 1 practised twice that week, user 2 was deleted after one session,
// user 3 signed up and never practised. No user 9.
async function setUp(t: Test) {
  const { url, pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-01T08:00:00Z' },
    { n: 2, createdAt: '2026-01-01T09:00:00Z', deletedAt: '2026-01-09T00:00:00Z' },
    { n: 3, createdAt: '2026-01-02T09:00:00Z' },
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-07T10:00:00Z', durationSeconds: 900 },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-06T10:00:00Z', durationSeconds: 300 },
  ]);
  await add.reports([{ session: 1, scoreRaw: 300, criteria: { fluency: 4 } }, { session: 2, scoreRaw: 340, criteria: { fluency: 5 } }]);
  const server = await startServer({ databaseUrl: url, token: TOKEN, port: 0, logLevel: 'silent' });
  t.teardown(() => server.close());
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(new URL(path, server.url), { headers: { authorization: `Bearer ${TOKEN}`, ...headers } });
  return { url, get };
}

t.test('a userId that is no platform user is a 404 for every per-user metric, as JSON and as CSV', async (t) => {
  const { get } = await setUp(t);
  const expected = { error: 'not_found', message: `userId: no platform user has id ${UNKNOWN}` };
  for (const metric of PER_USER) {
    const json = await get(`users?metric=${metric}&${RANGE}&userId=${UNKNOWN}`);
    t.equal(json.status, 404, `${metric}: 404`);
    t.same(await json.json(), expected, `${metric}: one line naming the id`);
  }
  const csv = await get(`users?metric=practice_time&${RANGE}&userId=${UNKNOWN}&format=csv`);
  t.equal(csv.status, 404, 'CSV: 404 before any row is sent');
  t.match(csv.headers.get('content-type'), /^application\/json/, 'CSV: the error is the JSON body, not a CSV');
  t.same(await csv.json(), expected);

  const document = (await (await get('openapi.json')).json()) as { paths: Record<string, { get: { responses: Record<string, unknown> } }> };
  t.ok(document.paths['/users']?.get.responses['404'], 'openapi.json documents the 404 of /users');
  t.notOk(document.paths['/content']?.get.responses['404'], '…and only there (no userId elsewhere)');
});

t.test('known learners are answered: one who practised, one who never did (zeros), a deleted one', async (t) => {
  const { get } = await setUp(t);
  const minutes = async (user: number) => {
    const response = await get(`users?metric=practice_time&${RANGE}&granularity=week&userId=${id('user', user)}`);
    t.equal(response.status, 200, `user ${user}: 200`);
    return ((await response.json()) as { rows: { value: number }[] }).rows.map((row) => row.value);
  };
  t.same(await minutes(1), [25], 'user 1: 10 + 15 minutes');
  t.same(await minutes(3), [0], 'user 3 is known and inactive: a zero, not a 404');
  t.same(await minutes(2), [5], 'user 2 is deleted but known: their history is still reported');

  const strengths = await get(`users?metric=strength_areas&${RANGE}&userId=${id('user', 1)}`);
  t.equal(strengths.status, 200);
  t.same(((await strengths.json()) as { rows: unknown[] }).rows, [{ criterion: 'fluency', average_score: 4.5, reports: 2 }]);
  const csv = await get(`users?metric=practice_time&${RANGE}&granularity=week&userId=${id('user', 3)}&format=csv`);
  t.equal(csv.status, 200, 'CSV of a known user: 200');
  t.equal(await csv.text(), 'bucket,value,complete\n2026-01-05,0.00,t\n');
});

t.test('platform-wide metrics need no user check, and a malformed userId is still a 400', async (t) => {
  const { get } = await setUp(t);
  t.equal((await get(`users?metric=practice_time&${RANGE}`)).status, 200, 'no userId: 200');
  const malformed = await get(`users?metric=practice_time&${RANGE}&userId=not-a-uuid`);
  t.equal(malformed.status, 400);
  t.same(await malformed.json(), { error: 'invalid_parameter', parameter: 'userId', message: 'userId: must be a UUID' });
});

t.test('the library call throws UnknownUser for the same request', async (t) => {
  const { url } = await setUp(t);
  const analytics = await createAnalytics({ databaseUrl: url });
  t.teardown(() => analytics.close());
  const error = await analytics.query('users', { metric: 'score_progression', startDate: '2026-01-05', endDate: '2026-01-11', userId: UNKNOWN })
    .then(() => undefined, (reason: unknown) => reason);
  t.ok(error instanceof UnknownUser, 'an UnknownUser');
  t.equal((error as Error | undefined)?.message, `userId: no platform user has id ${UNKNOWN}`);
});
