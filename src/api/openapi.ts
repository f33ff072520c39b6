// GET /openapi.json: an OpenAPI 3.1 document generated from the zod schemas
// that validate the requests (request.ts) and the rows (metrics.ts), so the
// document cannot drift from what the routes accept and return.
import { z } from 'zod';
import { rowSchema, type Column } from './columns.ts';
import { FreshnessResponse } from './freshness.ts';
import {
  ACTIVE_USERS_COLUMNS, METRIC_DEFINITIONS, MRR_MOVEMENT_COLUMNS, RESTATEMENT_COLUMNS, RETENTION_COLUMNS, SCENARIO_COLUMNS, SERIES_COLUMNS, STRENGTH_AREA_COLUMNS,
  SUBSCRIPTION_COLUMNS, TIME_DISTRIBUTION_COLUMNS, USAGE_PATTERN_COLUMNS, type MetricDefinition,
} from './metrics.ts';
import { METRICS, metricQuerySchema, type MetricGroup } from './request.ts';

const ROWS = new Map<readonly Column[], string>([
  [SERIES_COLUMNS, 'SeriesRow'],
  [RETENTION_COLUMNS, 'RetentionRow'],
  [ACTIVE_USERS_COLUMNS, 'ActiveUsersRow'],
  [SUBSCRIPTION_COLUMNS, 'SubscriptionRow'],
  [MRR_MOVEMENT_COLUMNS, 'MrrMovementRow'],
  [RESTATEMENT_COLUMNS, 'RestatementRow'],
  [USAGE_PATTERN_COLUMNS, 'UsagePatternRow'],
  [SCENARIO_COLUMNS, 'ScenarioRow'],
  [STRENGTH_AREA_COLUMNS, 'StrengthAreaRow'],
  [TIME_DISTRIBUTION_COLUMNS, 'TimeDistributionRow'],
]);

const GROUPS: Record<MetricGroup, { readonly operationId: string; readonly summary: string }> = {
  users: { operationId: 'getUserMetrics', summary: 'User reports: activity, sessions, scores, practice time, retention, strength areas' },
  content: { operationId: 'getContentMetrics', summary: 'Content reports: popular scenarios, completion rates, average scores, time distribution' },
  business: { operationId: 'getBusinessMetrics', summary: 'Business reports: active users, subscriptions, MRR movements, restatements, usage patterns, retention' },
};

type JsonSchema = Record<string, unknown>;

/** A zod schema as an embeddable JSON Schema (draft 2020-12, OpenAPI 3.1's dialect). */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'output'): JsonSchema {
  const embedded = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  delete embedded.$schema;
  return embedded;
}

const ErrorBody = z.strictObject({
  error: z.string().describe('invalid_parameter, unauthorized, not_found, timeout, unavailable or internal.'),
  message: z.string().describe('One line saying what was wrong and what is allowed.'),
  parameter: z.string().optional().describe('For invalid_parameter: the query parameter at fault.'),
});

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

function metricEnvelope(metric: string, definition: MetricDefinition): JsonSchema {
  return {
    type: 'object',
    description: `${metric}: ${definition.description}`,
    required: ['metric', 'granularity', 'startDate', 'endDate', 'timezone', 'dataAsOf', 'rows'],
    additionalProperties: false,
    properties: {
      metric: { const: metric },
      granularity: { type: ['string', 'null'], enum: ['day', 'week', 'month', null], description: 'Bucket size of the rows; null when they are not per bucket.' },
      startDate: { type: 'string', format: 'date' },
      endDate: { type: 'string', format: 'date' },
      timezone: { type: 'string', description: 'IANA zone the dates and buckets are in.' },
      dataAsOf: { type: ['string', 'null'], format: 'date-time', description: 'When the last successful refresh committed; days after the stored ones are read live.' },
      rows: { type: 'array', items: { $ref: `#/components/schemas/${ROWS.get(definition.columns)}` } },
    },
  };
}

function metricPath(group: MetricGroup) {
  const shape = metricQuerySchema(group).shape as Record<string, z.ZodType>;
  const definitions = METRIC_DEFINITIONS[group] as Record<string, MetricDefinition>;
  return {
    get: {
      operationId: GROUPS[group].operationId,
      summary: GROUPS[group].summary,
      description: `Metrics: ${METRICS[group].map((metric) => `\`${metric}\` (${definitions[metric]?.description})`).join('; ')}.`,
      parameters: Object.entries(shape).map(([name, schema]) => ({
        name,
        in: 'query',
        required: !schema.safeParse(undefined).success,
        description: schema.description,
        schema: jsonSchema(schema, 'input'),
      })),
      responses: {
        200: {
          description: 'The metric\'s rows (JSON), or the same rows as CSV with a header row.',
          content: {
            'application/json': { schema: { oneOf: METRICS[group].map((metric) => metricEnvelope(metric, definitions[metric] as MetricDefinition)) } },
            'text/csv': { schema: { type: 'string', description: 'RFC 4180 CSV; text cells beginning with =, +, -, @, tab or CR are prefixed with a quote.' } },
          },
        },
        400: errorResponse('A parameter is missing, unknown or invalid: `parameter` names it, `message` says what is allowed.'),
        401: errorResponse('No or wrong credentials.'),
        ...(group === 'users' ? { 404: errorResponse('userId names no platform user (a known user without activity gets zeros).') } : {}),
        503: errorResponse('The query ran past the statement timeout, or no database connection was free.'),
      },
    },
  };
}

export function openApiDocument(prefix: string, maxRangeDays: number): JsonSchema {
  return {
    openapi: '3.1.0',
    info: {
      title: 'OET Praxis admin analytics',
      version: '1.0.0',
      description: `Aggregated analytics only: no raw session or feedback rows and no personal data leave the service. Dates are inclusive local dates in the reporting time zone; a range spans at most ${maxRangeDays} days. Rates are fractions 0-1.`,
    },
    servers: [{ url: prefix || '/' }],
    security: [{ bearer: [] }],
    paths: {
      '/users': metricPath('users'),
      '/content': metricPath('content'),
      '/business': metricPath('business'),
      '/freshness': {
        get: {
          operationId: 'getFreshness',
          summary: 'How current each metric is: the refresh status of the interval that stores it',
          responses: {
            200: { description: 'One row per endpoint and metric.', content: { 'application/json': { schema: jsonSchema(FreshnessResponse) } } },
            401: errorResponse('No or wrong credentials.'),
          },
        },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          summary: 'This document',
          responses: { 200: { description: 'OpenAPI 3.1 document.', content: { 'application/json': { schema: { type: 'object' } } } } },
        },
      },
    },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'ANALYTICS_ADMIN_TOKEN of the standalone server, or the host application\'s own auth.' } },
      schemas: {
        Error: jsonSchema(ErrorBody),
        ...Object.fromEntries([...ROWS].map(([columns, name]) => [name, jsonSchema(rowSchema(columns))])),
      },
    },
  };
}
