// GET /freshness: how current every metric is, read from the
// analytics.metric_freshness view (one row per endpoint and metric).
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

export const FreshnessRow = z.strictObject({
  endpoint: z.enum(['users', 'content', 'business']).describe('API endpoint.'),
  metric: z.string().describe('Metric name, as metric= takes it.'),
  granularity: z.enum(['day', 'week', 'month']).describe('Refresh interval whose buckets store the metric.'),
  last_bucket: z.iso.date().nullable().describe('First day of the newest stored bucket of that interval.'),
  last_success_at: z.iso.datetime().nullable().describe('When a refresh of that interval last succeeded.'),
  last_error: z.string().nullable().describe('Error of the latest failed refresh, while none has succeeded since.'),
  last_error_at: z.iso.datetime().nullable().describe('When that failure happened.'),
  pending_buckets: z.number().int().describe('Buckets that are over and not stored, or hold a pending change.'),
  lag_seconds: z.number().describe('How long ago the oldest pending bucket ended (0 when nothing is pending).'),
});
export type FreshnessRow = z.infer<typeof FreshnessRow>;

export const FreshnessResponse = z.strictObject({
  timezone: z.string().describe('IANA zone of the buckets.'),
  dataAsOf: z.iso.datetime().nullable().describe('When the last successful refresh committed.'),
  rows: z.array(FreshnessRow),
});
export type FreshnessResponse = z.infer<typeof FreshnessResponse>;

export async function queryFreshness(pool: DatabasePool): Promise<FreshnessResponse> {
  const [settings, rows] = await Promise.all([
    pool.one(sql.type(z.object({ timezone: z.string(), data_as_of: z.string().nullable() }))`
      select reporting_timezone as timezone, last_refresh_at as data_as_of from analytics.settings`),
    pool.any(sql.type(FreshnessRow)`
      select endpoint, metric, granularity, last_bucket, last_success_at, last_error, last_error_at, pending_buckets,
             extract(epoch from lag)::float8 as lag_seconds
      from analytics.metric_freshness
      order by endpoint, metric`),
  ]);
  return { timezone: settings.timezone, dataAsOf: settings.data_as_of, rows: [...rows] };
}
