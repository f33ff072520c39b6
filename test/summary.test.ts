import t from 'tap';
import { summarizeDatabase } from '../src/summary.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures } from './helpers/fixtures.ts';

t.test('summary of an empty migrated database: zero rows, every migration', async (t) => {
  const { pool } = await createTestDatabase(t);
  const summary = await summarizeDatabase(pool);
  t.same(summary.counts, { users: 0, scenarios: 0, sessions: 0, feedback_reports: 0, subscriptions: 0 });
  t.equal(summary.firstSessionAt, null);
  t.equal(summary.migrationsApplied, 21);
  t.equal(summary.latestMigration, '0021_logical-capture-parse');
});

t.test('summary counts a hand-made fixture and spans its sessions', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-01T09:00:00Z' },
    { n: 2, createdAt: '2026-01-02T09:00:00Z' },
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-03T10:00:00Z' },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-05T23:30:00Z', status: 'abandoned' },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-04T08:00:00Z', status: 'in_progress' },
  ]);
  await add.reports([{ session: 1, scoreRaw: 350 }]);
  await add.subscriptions([{ n: 1, user: 1, startedAt: '2026-01-03T00:00:00Z' }]);

  const summary = await summarizeDatabase(pool);
  t.same(summary.counts, { users: 2, scenarios: 1, sessions: 3, feedback_reports: 1, subscriptions: 1 });
  t.equal(summary.firstSessionAt, '2026-01-03T10:00:00.000Z');
  t.equal(summary.lastSessionAt, '2026-01-05T23:30:00.000Z');
});
