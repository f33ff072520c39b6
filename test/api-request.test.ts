import t from 'tap';
import { InvalidParameter, parseMetricRequest } from '../src/api/request.ts';

const range = { startDate: '2026-01-01', endDate: '2026-01-31' };

t.test('a valid request gets its defaults', async (t) => {
  t.same(parseMetricRequest('users', { ...range, metric: 'sessions_started' }), {
    group: 'users', ...range, metric: 'sessions_started', granularity: 'day', format: 'json',
  });
  t.same(parseMetricRequest('content', { ...range, metric: 'popular_scenarios', limit: '5', difficultyLevel: 'hard' }), {
    group: 'content', ...range, metric: 'popular_scenarios', granularity: 'day', format: 'json', limit: 5, difficultyLevel: 'hard',
  });
  t.match(parseMetricRequest('users', { ...range, metric: 'score_progression', userId: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c' }),
    { userId: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c' });
});

t.test('every mistake is one InvalidParameter naming the parameter and what is allowed', async (t) => {
  const cases: [Parameters<typeof parseMetricRequest>[0], Record<string, unknown>, string][] = [
    ['users', { ...range, metric: 'revenue' }, 'metric: must be one of: active_users, new_users, sessions_started, sessions_completed, completion_rate, average_score, practice_time, retention, strength_areas, score_progression'],
    ['users', { endDate: '2026-01-31', metric: 'new_users' }, 'startDate: is required'],
    ['users', { ...range, startDate: '2026-02-30', metric: 'new_users' }, 'startDate: must be a calendar date YYYY-MM-DD'],
    ['users', { ...range, startDate: '2026-03-01', metric: 'new_users' }, 'startDate: 2026-03-01 is after endDate 2026-01-31'],
    ['users', { startDate: '2020-01-01', endDate: '2026-01-01', metric: 'new_users' }, 'endDate: the range is 2193 days; at most 1098 are allowed'],
    ['users', { ...range, metric: 'new_users', granularity: 'hour' }, 'granularity: must be one of: day, week, month'],
    ['users', { ...range, metric: 'new_users', format: 'xlsx' }, 'format: must be one of: json, csv'],
    ['users', { ...range, metric: 'average_score', userId: 'bob' }, 'userId: must be a UUID'],
    ['users', { ...range, metric: 'new_users', userId: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c' }, 'userId: metric new_users is platform-wide; per user: sessions_started, sessions_completed, completion_rate, average_score, practice_time, strength_areas, score_progression'],
    ['users', { ...range, metric: 'score_progression' }, 'userId: metric score_progression needs a userId'],
    ['users', { ...range, metric: 'new_users', sql: 'select 1' }, 'sql: unknown parameter; allowed: startDate, endDate, metric, granularity, format, userId'],
    ['content', { ...range, metric: 'popular_scenarios', limit: '0' }, 'limit: must be a whole number from 1 to 1000'],
    ['business', { ...range, metric: 'active_users', userId: '3f1c2a9e-8b7d-4c6e-9a5b-1d2e3f4a5b6c' }, 'userId: unknown parameter; allowed: startDate, endDate, metric, granularity, format'],
  ];
  for (const [group, query, message] of cases) {
    t.throws(() => parseMetricRequest(group, query), new InvalidParameter(message.split(':')[0]!, message.slice(message.indexOf(':') + 2)), message);
  }
});

t.test('the maximum range is configurable', async (t) => {
  t.throws(() => parseMetricRequest('business', { ...range, metric: 'subscriptions' }, 30), { message: 'endDate: the range is 31 days; at most 30 are allowed' });
  t.ok(parseMetricRequest('business', { ...range, metric: 'subscriptions' }, 31));
});
