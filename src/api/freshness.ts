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
  dataAsOf: z.iso.datetime().nullable().describe('When the last successful refresh committed, as the server read from has it (on a standby: what it has replayed).'),
  readsFrom: z.enum(['primary', 'standby']).describe('Where this answer, and every report read now, came from.'),
  replayLagSeconds: z.number().nullable().describe('How far the standby\'s replay is behind the primary, in seconds; null without a standby or when it cannot be measured.'),
  rows: z.array(FreshnessRow),
});
export type FreshnessResponse = z.infer<typeof FreshnessResponse>;

export async function queryFreshness(pool: DatabasePool): Promise<Omit<FreshnessResponse, 'readsFrom' | 'replayLagSeconds'>> {
  // one statement, so a request holds one connection
  const result = await pool.one(sql.type(z.object({ timezone: z.string(), data_as_of: z.string().nullable(), rows: z.array(FreshnessRow) }))`
    select s.reporting_timezone as timezone, s.last_refresh_at as data_as_of,
           (select coalesce(json_agg(f order by f.endpoint, f.metric), '[]') from (
              select endpoint, metric, granularity, last_bucket,
                     to_char(last_success_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_success_at,
                     last_error,
                     to_char(last_error_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as last_error_at,
                     pending_buckets, extract(epoch from lag)::float8 as lag_seconds
              from analytics.metric_freshness) f) as rows
    from analytics.settings s`);
  return { timezone: result.timezone, dataAsOf: result.data_as_of, rows: result.rows };
}
