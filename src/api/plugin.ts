// The admin analytics routes as a Fastify plugin. The standalone server
// (server.ts) registers it under /admin/analytics with bearer-token auth; the
// main backend registers it under its own prefix with its own auth hook.
// Every failure becomes a JSON body with one line a caller can act on: bad
// input is a 400 naming the parameter, a userId that names no user a 404, a
// slow query a 503, anything else a 500 whose details go to the log only
// (never SQL text over HTTP).
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, onRequestHookHandler } from 'fastify';
import type { Readable } from 'node:stream';
import { ConnectionError, StatementTimeoutError } from 'slonik';
import { BusyError, RecoveryConflictError } from '../errors.ts';
import { dashboardAssets } from './dashboard-assets.ts';
import type { FreshnessResponse } from './freshness.ts';
import { csvFileName, type MetricResponse } from './metric-query.ts';
import { openApiDocument } from './openapi.ts';
import {
  DEFAULT_MAX_RANGE_DAYS, InvalidParameter, METRICS, parseMetricRequest, UnknownUser, type MetricGroup, type MetricRequest,
} from './request.ts';

/** Where the routes read from (createAnalytics builds it over its pools). */
export type MetricReader = {
  query(request: MetricRequest): Promise<MetricResponse>;
  freshness(): Promise<FreshnessResponse>;
  /** The CSV of a request, started (see openMetricCsv). */
  openCsv(request: MetricRequest): Promise<Readable>;
};

export type AnalyticsRoutesOptions = {
  readonly reader: MetricReader;
  /** Longest allowed startDate..endDate, in days (default 1098, three years). */
  readonly maxRangeDays?: number;
  /** Runs before every data route (not the dashboard's static files): the host's auth. */
  readonly authenticate?: onRequestHookHandler;
};

export type ErrorBody = { readonly error: string; readonly message: string; readonly parameter?: string };

export const analyticsRoutes: FastifyPluginAsync<AnalyticsRoutesOptions> = async (app, options) => {
  const maxRangeDays = options.maxRangeDays ?? DEFAULT_MAX_RANGE_DAYS;
  const document = openApiDocument(app.prefix, maxRangeDays);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } satisfies ErrorBody));

  await app.register((data, _options, done) => {
    if (options.authenticate) data.addHook('onRequest', options.authenticate);
    for (const group of Object.keys(METRICS) as MetricGroup[]) {
      data.get(`/${group}`, async (request, reply) => {
        const query = request.query as Record<string, unknown>;
        const metricRequest = parseMetricRequest(group, withAcceptedFormat(query, request.headers.accept), maxRangeDays);
        if (metricRequest.format === 'json') return options.reader.query(metricRequest);
        const csv = await options.reader.openCsv(metricRequest);
        return reply
          .header('content-type', 'text/csv; charset=utf-8; header=present')
          .header('content-disposition', `attachment; filename="${csvFileName(metricRequest)}"`)
          .send(csv);
      });
    }
    data.get('/freshness', () => options.reader.freshness());
    data.get('/openapi.json', (_request, reply) => reply.send(document));
    done();
  });

  const assets = await dashboardAssets();
  // The dashboard page holds no data (it fetches it with the user's token), so
  // it and its files are served without auth.
  app.get('/', async (request, reply) => {
    // relative links on the page need the trailing slash
    if (!request.url.split('?')[0]?.endsWith('/')) return reply.redirect(`${request.url.split('?')[0]}/`, 308);
    return sendAsset(reply, assets.page);
  });
  app.get('/assets/:file', async (request, reply) => {
    const asset = assets.files.get((request.params as { file: string }).file);
    if (!asset) return reply.code(404).send({ error: 'not_found', message: 'no such dashboard file' } satisfies ErrorBody);
    return sendAsset(reply, asset);
  });
};

/** format=csv, or no format and an Accept header that prefers text/csv. */
function withAcceptedFormat(query: Record<string, unknown>, accept: string | undefined): Record<string, unknown> {
  if (query.format !== undefined || !accept?.includes('text/csv')) return query;
  return { ...query, format: 'csv' };
}

function sendAsset(reply: FastifyReply, asset: { readonly type: string; readonly body: Buffer }) {
  return reply
    .header('content-type', asset.type)
    .header('cache-control', 'no-cache')
    .header('content-security-policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
    .header('x-content-type-options', 'nosniff')
    .send(asset.body);
}

function handleError(this: FastifyInstance, error: FastifyError | Error, _request: unknown, reply: FastifyReply) {
  if (error instanceof InvalidParameter) {
    return reply.code(400).send({ error: 'invalid_parameter', parameter: error.parameter, message: error.message } satisfies ErrorBody);
  }
  if (error instanceof RecoveryConflictError) {
    return reply.code(503).send({ error: 'unavailable', message: error.message } satisfies ErrorBody);
  }
  if (error instanceof UnknownUser) {
    return reply.code(404).send({ error: 'not_found', message: error.message } satisfies ErrorBody);
  }
  if (error instanceof StatementTimeoutError || (error as { code?: string }).code === '57014') {
    return reply.code(503).send({ error: 'timeout', message: 'the query ran past the statement timeout; try a shorter range or retry later' } satisfies ErrorBody);
  }
  // BusyError: no free report connection in time; pg-pool's message: the same for exports
  if (error instanceof BusyError || error instanceof ConnectionError || /timeout exceeded when trying to connect/i.test(error.message)) {
    this.log.warn({ err: error }, 'analytics: no database connection available');
    return reply.code(503).send({ error: 'unavailable', message: 'no database connection is available right now; retry later' } satisfies ErrorBody);
  }
  const status = (error as FastifyError).statusCode;
  if (status !== undefined && status >= 400 && status < 500) {
    // Fastify's own client errors (bad query string, bad URL encoding…)
    return reply.code(status).send({ error: 'bad_request', message: error.message.split('\n')[0] ?? 'bad request' } satisfies ErrorBody);
  }
  this.log.error({ err: error }, 'analytics: request failed');
  return reply.code(500).send({ error: 'internal', message: 'the request failed on the server; the error is in its log' } satisfies ErrorBody);
}
