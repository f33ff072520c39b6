// analytics_aggregates (spec 3.2) records each refresh's outputs: one row per
// metric type, bucket and dimension, rewritten when the bucket is recomputed.
import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { refresh } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const Record = z.object({ metric_type: z.string(), time_bucket: z.string(), dimension: z.string(), data: z.record(z.string(), z.unknown()) });

t.test('a refresh records each day, complete week per scenario and complete month, and rewrites them when data changes', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-05T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([{ n: 1, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z', durationSeconds: 600 }]);
  await add.reports([{ session: 1, scoreRaw: 320 }]);
  await refresh(pool);

  const read = (metric: string, bucket: string) => pool.maybeOne(sql.type(Record)`
    select metric_type, time_bucket::text, dimension, data from analytics.analytics_aggregates
    where metric_type = ${metric} and time_bucket = ${bucket}::timestamp`);

  t.match(await read('daily_activity', '2026-01-06'), {
    dimension: '',
    data: { sessions_started: 1, sessions_completed: 1, practice_seconds: 600, scored_sessions: 1, score_sum: 320, active_users: 1, new_users: 0 },
  });
  t.match(await read('daily_activity', '2026-01-07'), { data: { sessions_started: 0, active_users: 0 } }, 'an empty day is recorded too');
  t.match(await read('weekly_content', '2026-01-05'), { dimension: id('scenario', 1), data: { sessions_started: 1, score_sum: 320 } });
  t.match(await read('monthly_business', '2026-01-01'), { data: { active_subscriptions: 0, paying_customers: 0, active_users: 1 } });

  // a signup on an already recorded day: its record is rewritten, not duplicated
  await add.users([{ n: 2, createdAt: '2026-01-06T09:00:00Z' }]);
  await refresh(pool);
  t.match(await read('daily_activity', '2026-01-06'), { data: { new_users: 1, sessions_started: 1 } });
  const copies = await pool.oneFirst(sql.type(z.object({ copies: z.number() }))`
    select count(*) as copies from analytics.analytics_aggregates where metric_type = 'daily_activity' and time_bucket = '2026-01-06'`);
  t.equal(copies, 1);
});
