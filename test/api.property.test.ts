// Properties of the API over random requests on generated data:
// - JSON and CSV are two renderings of one query (different select lists,
//   bound vs inlined arguments), so for any request they must hold the same
//   rows;
// - a content filter partitions the platform: the counts of every difficulty
//   level add up to the unfiltered counts, bucket by bucket.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import t from 'tap';
import { sql } from 'slonik';
import { z } from 'zod';
import { openMetricCsv, queryMetric, type MetricRow } from '../src/api/metric-query.ts';
import { METRIC_DEFINITIONS } from '../src/api/metrics.ts';
import { METRICS, parseMetricRequest, type MetricGroup } from '../src/api/request.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { migrate } from '../src/migrate.ts';
import { seed } from '../src/seed.ts';
import { createTestDatabase } from './helpers/database.ts';

const RUNS = Number(process.env.PROPERTY_RUNS ?? 40);
const END = '2026-11-27';

/** RFC 4180 records (quoted fields, doubled quotes), header first. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
    } else field += char;
  }
  return records;
}

/** A JSON value as the CSV cell COPY writes for it (numbers compared as numbers). */
function sameCell(json: MetricRow[string], cell: string): boolean {
  if (json === null) return cell === '';
  if (typeof json === 'boolean') return cell === (json ? 't' : 'f');
  if (typeof json === 'number') return Number(cell) === json;
  // text that a spreadsheet would run as a formula carries a leading quote
  return /^[=+\-@\t\r]/.test(json) ? cell === `'${json}` : cell === json;
}

const day = fc.integer({ min: 0, max: 75 }).map((back) => new Date(Date.parse(END) - back * 86_400_000).toISOString().slice(0, 10));
const range = fc.tuple(day, day).map(([a, b]) => (a <= b ? { startDate: a, endDate: b } : { startDate: b, endDate: a }));

t.test('API properties on generated data', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  await seed({ databaseUrl: url, users: 60, days: 70, seed: 11, endAt: new Date(`${END}T23:00:00Z`), sessionsPerUser: 12, shards: 1 });
  await migrate({ databaseUrl: url });
  await pool.query(sql.unsafe`select analytics.refresh_pending()`);
  const exportPool = createPgPool(url, { max: 1 });
  t.teardown(() => exportPool.end());
  const users = await pool.anyFirst(sql.type(z.object({ id: z.string() }))`select id::text from public.users order by id limit 5`);
  const scenarios = await pool.anyFirst(sql.type(z.object({ id: z.string() }))`select id::text from public.scenarios order by id limit 5`);
  const levels = await pool.anyFirst(sql.type(z.object({ level: z.string() }))`select distinct difficulty_level as level from public.scenarios order by 1`);

  const requestArbitrary = fc.oneof(...(Object.keys(METRICS) as MetricGroup[]).flatMap((group) =>
    METRICS[group].map((metric) => fc.record({
      range,
      granularity: fc.constantFrom('day', 'week', 'month'),
      userId: metric === 'score_progression' ? fc.constantFrom(...users)
        : group === 'users' && ['sessions_started', 'completion_rate', 'strength_areas', 'practice_time'].includes(metric)
          ? fc.option(fc.constantFrom(...users), { nil: undefined }) : fc.constant(undefined),
      scenarioId: group === 'content' ? fc.option(fc.constantFrom(...scenarios), { nil: undefined }) : fc.constant(undefined),
      difficultyLevel: group === 'content' ? fc.option(fc.constantFrom(...levels), { nil: undefined }) : fc.constant(undefined),
    }).map(({ range: dates, ...rest }) => ({ group, query: { metric, ...dates, ...withoutUndefined(rest) } })))));

  await t.test('JSON and CSV hold the same rows for any request', async (t) => {
    await fc.assert(fc.asyncProperty(requestArbitrary, async ({ group, query }) => {
      const request = parseMetricRequest(group, query);
      const json = await queryMetric(pool, request);
      const chunks: Buffer[] = [];
      await pipeline(await openMetricCsv(exportPool, request), new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      }));
      const [header, ...records] = parseCsv(Buffer.concat(chunks).toString('utf8'));
      const columns = (METRIC_DEFINITIONS[group] as Record<string, { columns: readonly { name: string }[] }>)[request.metric]?.columns ?? [];
      if (JSON.stringify(header) !== JSON.stringify(columns.map((column) => column.name))) return false;
      if (records.length !== json.rows.length) return false;
      return json.rows.every((row, index) => columns.every((column, position) => sameCell(row[column.name] ?? null, records[index]?.[position] ?? '')));
    }), { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 5) });
    t.pass(`${RUNS} random requests: JSON rows = CSV rows`);
  });

  await t.test('difficulty levels partition the platform counts', async (t) => {
    await fc.assert(fc.asyncProperty(range, fc.constantFrom('day', 'week', 'month'), fc.constantFrom('sessions_started', 'sessions_completed'),
      async (dates, granularity, metric) => {
        const series = async (difficultyLevel?: string) => (await pool.any(sql.type(z.object({ value: z.string() }))`
          select value::text from analytics.metric_series(${metric}, ${dates.startDate}::date, ${dates.endDate}::date, ${granularity},
                                                          null, null, ${difficultyLevel ?? null}::text)`)).map((row) => Number(row.value));
        const total = await series();
        const perLevel = await Promise.all(levels.map((level) => series(level)));
        return total.every((value, index) => value === perLevel.reduce((sum, values) => sum + (values[index] ?? 0), 0));
      }), { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 5) });
    t.pass(`${RUNS} random ranges: the levels add up`);
  });
});

function withoutUndefined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as Partial<T>;
}
