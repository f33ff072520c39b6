// Runs a validated metric request. JSON: one statement through slonik that
// returns the reporting zone, the last refresh and the rows aggregated to
// JSON by Postgres, validated by the metric's zod schema. CSV: `COPY (the
// same call) TO STDOUT` through a plain pg client (slonik has no COPY),
// streamed so memory stays flat whatever the row count. A request for one
// user also asks analytics.user_known() (JSON: in the same statement; CSV:
// before the COPY): an id that names no user is an UnknownUser (HTTP 404),
// not a series of zeros.
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { hearClientErrors } from '../db/pg-pool.ts';
import { csvSelectList, rowSchema, type Column } from './columns.ts';
import { metricDefinition, type Argument } from './metrics.ts';
import { UnknownUser, type MetricRequest } from './request.ts';

export type MetricRow = Record<string, string | number | boolean | null>;

export type MetricResponse<Row = MetricRow> = {
  readonly metric: string;
  readonly granularity: 'day' | 'week' | 'month' | null;
  readonly startDate: string;
  readonly endDate: string;
  /** IANA zone the dates and buckets are in. */
  readonly timezone: string;
  /** When the last successful refresh committed (null before the first one). */
  readonly dataAsOf: string | null;
  readonly rows: readonly Row[];
};

const castArgument = (argument: Argument) => {
  switch (argument.type) {
    case 'date': return sql.fragment`${argument.value}::date`;
    case 'uuid': return sql.fragment`${argument.value}::uuid`;
    case 'integer': return sql.fragment`${argument.value}::integer`;
    case 'text': return sql.fragment`${argument.value}::text`;
  }
};

const selectColumn = (column: Column) =>
  sql.fragment`${sql.identifier([column.source ?? column.name])} as ${sql.identifier([column.name])}`;

const envelope = (columns: readonly Column[]) =>
  z.object({
    timezone: z.string(),
    data_as_of: z.string().nullable(),
    user_known: z.boolean(),
    rows: z.array(rowSchema(columns)),
  });

/** True for a platform-wide request; for one user, whether the platform knows them. */
const userKnown = (request: MetricRequest) =>
  (request.userId === undefined ? sql.fragment`true` : sql.fragment`analytics.user_known(${request.userId}::uuid)`);

export async function queryMetric(pool: DatabasePool, request: MetricRequest): Promise<MetricResponse> {
  const definition = metricDefinition(request);
  const { fn, args } = definition.call(request);
  const result = await pool.one(sql.type(envelope(definition.columns))`
    select s.reporting_timezone as timezone, s.last_refresh_at as data_as_of, ${userKnown(request)} as user_known,
           (select coalesce(json_agg(r), '[]') from (
              select ${sql.join(definition.columns.map(selectColumn), sql.fragment`, `)}
              from ${sql.identifier(['analytics', fn])}(${sql.join(args.map(castArgument), sql.fragment`, `)})
            ) r) as rows
    from analytics.settings s`);
  if (request.userId !== undefined && !result.user_known) throw new UnknownUser(request.userId);
  return {
    metric: request.metric,
    granularity: definition.granularity(request),
    startDate: request.startDate,
    endDate: request.endDate,
    timezone: result.timezone,
    dataAsOf: result.data_as_of,
    rows: result.rows,
  };
}

const literal = (argument: Argument) =>
  `${argument.value === null ? 'null' : pg.escapeLiteral(String(argument.value))}::${argument.type}`;

/**
 * The query behind a request's CSV: exact numerics, formula-safe text.
 * Arguments are inlined as quoted literals (COPY takes no bind parameters);
 * every value was validated first.
 */
export function csvSelectStatement(request: MetricRequest): string {
  const definition = metricDefinition(request);
  const { fn, args } = definition.call(request);
  return `select ${csvSelectList(definition.columns)} from analytics.${fn}(${args.map(literal).join(', ')})`;
}

const copyStatement = (select: string) => `copy (${select}) to stdout with (format csv, header)`;

/** A file name for the CSV of a request, e.g. users-sessions_started-2026-01-01-2026-01-31.csv */
export const csvFileName = (request: MetricRequest): string =>
  `${request.group}-${request.metric}-${request.startDate}-${request.endDate}.csv`;

/**
 * Starts the CSV of a request on one client of `pool` and resolves once
 * Postgres has answered (the header row), so a failing query is an error
 * here, before any byte is sent. The client goes back to the pool when the
 * stream ends; if the stream is destroyed early (the reader went away) the
 * client is discarded instead, which ends the COPY on the server.
 */
export async function openMetricCsv(pool: pg.Pool, request: MetricRequest): Promise<Readable> {
  if (request.userId !== undefined) {
    const { rows } = await pool.query<{ known: boolean }>('select analytics.user_known($1::uuid) as known', [request.userId]);
    if (!rows[0]?.known) throw new UnknownUser(request.userId);
  }
  return openCsv(pool, csvSelectStatement(request));
}

/** openMetricCsv for any select (the benchmark's synthetic exports). */
export async function openCsv(pool: pg.Pool, select: string): Promise<Readable> {
  const client = await pool.connect();
  const stopHearing = hearClientErrors(client);
  let released = false;
  const release = (error?: Error) => {
    if (released) return;
    released = true;
    stopHearing();
    client.release(error ?? false);
  };
  const stream = client.query(copyTo(copyStatement(select)));
  stream.once('end', () => release());
  stream.once('close', () => release(stream.readableEnded ? undefined : new Error('CSV export closed early')));
  stream.once('error', (error) => release(error));
  try {
    await once(stream, 'readable');
  } catch (error) {
    stream.destroy();
    throw error;
  }
  return stream;
}
