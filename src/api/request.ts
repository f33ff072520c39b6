// The query parameters of the admin analytics endpoints, validated by zod:
// the same schemas will validate HTTP requests, type library calls and
// generate the OpenAPI document. A bad request becomes one InvalidParameter
// that names the parameter and what is allowed (HTTP 400).
import { z } from 'zod';
import { AnalyticsError } from '../errors.ts';

export const METRICS = {
  users: [
    'active_users', 'new_users', 'sessions_started', 'sessions_completed', 'completion_rate',
    'average_score', 'practice_time', 'retention', 'strength_areas', 'score_progression',
  ],
  content: ['popular_scenarios', 'completion_rates', 'average_scores', 'time_distribution', 'scenario_performance'],
  business: ['active_users', 'subscriptions', 'mrr_movements', 'restatements', 'usage_patterns', 'retention'],
} as const;
export type MetricGroup = keyof typeof METRICS;

/** Users metrics that take a userId, and the one that needs it. */
const PER_USER = new Set(['sessions_started', 'sessions_completed', 'completion_rate', 'average_score', 'practice_time', 'strength_areas', 'score_progression']);
const NEEDS_USER = new Set(['score_progression']);

export const DEFAULT_MAX_RANGE_DAYS = 3 * 366;

/** A request that names a bad value; the message says what is allowed. */
export class InvalidParameter extends AnalyticsError {
  override name = 'InvalidParameter';
  readonly parameter: string;

  constructor(parameter: string, message: string) {
    super(`${parameter}: ${message}`);
    this.parameter = parameter;
  }
}

/** A userId that names no platform user (HTTP 404): not a learner without activity, whose series are zeros. */
export class UnknownUser extends AnalyticsError {
  override name = 'UnknownUser';
  readonly userId: string;

  constructor(userId: string) {
    super(`userId: no platform user has id ${userId}`);
    this.userId = userId;
  }
}

const isoDate = z.iso.date({ error: 'must be a calendar date YYYY-MM-DD' });
const uuid = z.guid({ error: 'must be a UUID' });

/** The query parameters of one endpoint (also the source of its OpenAPI parameters). */
export function metricQuerySchema(group: MetricGroup) {
  return z.strictObject({
    startDate: isoDate.describe('First local day of the range (inclusive), in the reporting time zone.'),
    endDate: isoDate.describe('Last local day of the range (inclusive); the range may span at most the configured maximum (default 1098 days).'),
    metric: z.enum(METRICS[group], { error: `must be one of: ${METRICS[group].join(', ')}` }).describe('The metric to read.'),
    granularity: z.enum(['day', 'week', 'month'], { error: 'must be one of: day, week, month' }).default('day')
      .describe('Bucket size of time series (ISO weeks start on Monday); tables have their own.'),
    format: z.enum(['json', 'csv'], { error: 'must be one of: json, csv' }).default('json')
      .describe('json, or csv (also chosen by Accept: text/csv when format is absent).'),
    ...(group === 'users' ? { userId: uuid.optional().describe('One user: their per-user metrics (needed by score_progression).') } : {}),
    ...(group === 'content'
      ? {
          scenarioId: uuid.optional().describe('Only this scenario.'),
          difficultyLevel: z.string().min(1).max(50).optional().describe('Only scenarios of this difficulty level.'),
          limit: z.coerce.number({ error: 'must be a whole number from 1 to 1000' })
            .int('must be a whole number from 1 to 1000').min(1, 'must be a whole number from 1 to 1000')
            .max(1000, 'must be a whole number from 1 to 1000').optional()
            .describe('popular_scenarios: how many (default 10).'),
        }
      : {}),
  });
}

export type MetricRequest = {
  readonly group: MetricGroup;
  readonly metric: string;
  readonly startDate: string;
  readonly endDate: string;
  readonly granularity: 'day' | 'week' | 'month';
  readonly format: 'json' | 'csv';
  readonly userId?: string;
  readonly scenarioId?: string;
  readonly difficultyLevel?: string;
  readonly limit?: number;
};

/** Validates raw query parameters (strings) of one endpoint; throws InvalidParameter. */
export function parseMetricRequest(
  group: MetricGroup,
  query: Record<string, unknown>,
  maxRangeDays: number = DEFAULT_MAX_RANGE_DAYS,
): MetricRequest {
  const parsed = metricQuerySchema(group).safeParse(query);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') {
      const allowed = Object.keys(metricQuerySchema(group).shape).join(', ');
      throw new InvalidParameter(issue.keys[0] ?? '?', `unknown parameter; allowed: ${allowed}`);
    }
    const parameter = String(issue?.path[0] ?? 'query');
    const message = issue?.code === 'invalid_type' && query[parameter] === undefined ? 'is required' : issue?.message ?? 'is invalid';
    throw new InvalidParameter(parameter, message);
  }
  const request = { group, ...parsed.data } as MetricRequest;
  if (request.startDate > request.endDate) {
    throw new InvalidParameter('startDate', `${request.startDate} is after endDate ${request.endDate}`);
  }
  const days = (Date.parse(request.endDate) - Date.parse(request.startDate)) / 86_400_000 + 1;
  if (days > maxRangeDays) {
    throw new InvalidParameter('endDate', `the range is ${days} days; at most ${maxRangeDays} are allowed`);
  }
  if (request.userId !== undefined && !PER_USER.has(request.metric)) {
    throw new InvalidParameter('userId', `metric ${request.metric} is platform-wide; per user: ${[...PER_USER].join(', ')}`);
  }
  if (request.userId === undefined && NEEDS_USER.has(request.metric)) {
    throw new InvalidParameter('userId', `metric ${request.metric} needs a userId`);
  }
  return request;
}
