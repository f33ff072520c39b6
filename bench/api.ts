// The admin API's cases of `make bench`:
// - a one-year business active_users query under concurrent load, over HTTP
//   (autocannon against the standalone server) and as the same report SQL
//   run directly with pg at the same concurrency;
// - the same HTTP load while a full refresh rewrites every rollup;
// - CSV exports: rows/s of the streaming path against psql's \copy of the
//   same query, and the exporting process's peak RSS from 10k to 1M rows.
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import pg from 'pg';
import { csvSelectStatement } from '../src/api/metric-query.ts';
import { parseMetricRequest } from '../src/api/request.ts';
import { startServer } from '../src/api/server.ts';
import { type Measurement, run } from './measure.ts';

export const CONCURRENCY = 10;
const DURATION_SECONDS = 10;
export const TOKEN = 'bench-token-0123456789abcdef';

export type Load = { requestsPerSecond: number; p99: number; errors: number };

export async function httpLoad(url: string): Promise<Load> {
  const result = await autocannon({
    url,
    connections: CONCURRENCY,
    duration: DURATION_SECONDS,
    headers: { authorization: `Bearer ${TOKEN}` },
  });
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

/** CONCURRENCY loops running `text` through their own pg connection for `seconds`. */
export async function sqlLoad(databaseUrl: string, text: string, values: readonly string[], seconds = DURATION_SECONDS): Promise<Load> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONCURRENCY });
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        await pool.query(text, [...values]);
        latencies.push(performance.now() - started);
      }
    }));
  } finally {
    await pool.end();
  }
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: latencies.length / seconds,
    p99: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? Number.NaN,
    errors: 0,
  };
}

export const describe = (load: Load) =>
  `${Math.round(load.requestsPerSecond)} req/s, p99 ${load.p99.toFixed(1)} ms${load.errors ? `, ${load.errors} errors` : ''}`;

export async function apiCases(databaseUrl: string, firstDay: string, lastDay: string): Promise<Measurement[]> {
  const yearStart = new Date(Date.parse(lastDay) - 364 * 86_400_000).toISOString().slice(0, 10);
  const server = await startServer({ databaseUrl, token: TOKEN, port: 0, logLevel: 'silent' });
  const measurements: Measurement[] = [];
  try {
    const endpoint = `${server.url}business?metric=active_users&startDate=${yearStart}&endDate=${lastDay}`;
    await httpLoad(endpoint); // warm-up: caches, JIT, pool connections
    const http = await httpLoad(endpoint);
    const direct = await sqlLoad(databaseUrl, 'select * from analytics.active_users($1::date, $2::date)', [yearStart, lastDay]);
    measurements.push(
      { name: `API: one-year business active_users, ${CONCURRENCY} concurrent, ${DURATION_SECONDS} s`, value: describe(http), note: 'autocannon against `serve` (pool 10)' },
      { name: 'same report SQL directly with pg, same concurrency', value: describe(direct), note: 'select * from analytics.active_users(…)' },
      {
        name: 'API cost over direct SQL',
        value: `${(direct.requestsPerSecond / http.requestsPerSecond).toFixed(2)}× throughput, ${(http.p99 / direct.p99).toFixed(2)}× p99`,
        note: 'target ≤ 2×',
      },
    );

    // A full refresh rewrites every rollup in one transaction; readers see
    // the previous rows until it commits (MVCC), so they should not wait.
    const refresh = new pg.Client({ connectionString: databaseUrl, options: '-c statement_timeout=0' });
    await refresh.connect();
    const refreshStarted = performance.now();
    let refreshSeconds = Number.NaN;
    const refreshing = refresh.query('select analytics.refresh_range($1::date, $2::date)', [firstDay, lastDay])
      .then(() => { refreshSeconds = (performance.now() - refreshStarted) / 1000; });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const during = await httpLoad(endpoint);
    const overlapped = Number.isNaN(refreshSeconds);
    await refreshing;
    await refresh.end();
    measurements.push(
      { name: 'API under the same load during a full refresh (refresh_range of the whole history)', value: describe(during), note: `refresh took ${refreshSeconds.toFixed(1)} s${overlapped ? ', and outlasted the load' : ', and ENDED before the load did'}` },
      { name: 'API p99 during a full refresh / idle p99', value: `${(during.p99 / http.p99).toFixed(2)}×`, note: 'target ≤ 3×' },
    );
  } finally {
    await server.close();
  }
  return measurements;
}

// ---- CSV -----------------------------------------------------------------

/** A synthetic export of `rows` rows shaped like a report's (date, counts, rate, text). */
const syntheticQuery = (rows: number) =>
  `select date '2020-01-01' + (g % 3650) as bucket, g as sessions, round((g % 997) / 997.0, 4) as rate, analytics.csv_text('Scenario ' || (g % 144)) as title from generate_series(1, ${rows}) g`;

type ExportRun = { seconds: number; bytes: number; maxRssMb: number };

async function productExport(databaseUrl: string, query: string): Promise<ExportRun> {
  const script = fileURLToPath(new URL('./csv-export.ts', import.meta.url));
  return JSON.parse(await run(process.execPath, [script, databaseUrl, query])) as ExportRun;
}

async function psqlExport(databaseUrl: string, query: string): Promise<number> {
  const started = performance.now();
  await run('psql', ['--no-psqlrc', '--quiet', databaseUrl, '-c', `\\copy (${query}) to '/dev/null' with (format csv, header)`]);
  return (performance.now() - started) / 1000;
}

export async function csvCases(databaseUrl: string, firstDay: string, lastDay: string): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  // The largest export the API offers: retention cohorts over the whole
  // history, downloaded over HTTP, against psql running the same select.
  const server = await startServer({ databaseUrl, token: TOKEN, port: 0, logLevel: 'silent' });
  try {
    const query = { metric: 'retention', startDate: firstDay, endDate: lastDay, format: 'csv' };
    const started = performance.now();
    const response = await fetch(`${server.url}business?${new URLSearchParams(query)}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const rows = (await response.text()).trim().split('\n').length - 1;
    const http = (performance.now() - started) / 1000;
    const psql = await psqlExport(databaseUrl, csvSelectStatement(parseMetricRequest('business', query)));
    measurements.push({
      name: `CSV over HTTP: business retention, whole history (${rows.toLocaleString('en')} rows) vs psql \\copy`,
      value: `${Math.round(rows / http).toLocaleString('en')} rows/s, ${(psql / http).toFixed(2)}× psql`,
      note: `${http.toFixed(2)} s vs ${psql.toFixed(2)} s (target ≥ 0.7×); computing the cohorts dominates both`,
    });
  } finally {
    await server.close();
  }
  for (const rows of [10_000, 100_000, 1_000_000]) {
    const query = syntheticQuery(rows);
    const product = await productExport(databaseUrl, query);
    const psql = await psqlExport(databaseUrl, query);
    measurements.push({
      name: `CSV export, ${rows.toLocaleString('en')} rows: product stream vs psql \\copy`,
      value: `${Math.round(rows / product.seconds).toLocaleString('en')} rows/s, ${(psql / product.seconds).toFixed(2)}× psql`,
      note: `${product.seconds.toFixed(2)} s vs ${psql.toFixed(2)} s (target ≥ 0.7×); ${(product.bytes / 2 ** 20).toFixed(1)} MiB; peak RSS ${product.maxRssMb.toFixed(0)} MiB`,
    });
  }
  return measurements;
}
