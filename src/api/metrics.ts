// What each metric of the admin API reads: the SQL function it calls (all in
// schema analytics, see sql/api/ and sql/reports/),
// with which arguments, and the columns of its rows. This is the whole,
// fixed list (spec 7: no custom report builder).
import type { z } from 'zod';
import type { Column, RowSchema } from './columns.ts';
import type { MetricGroup, MetricRequest } from './request.ts';
import type { METRICS } from './request.ts';

export type Argument = { readonly type: 'text' | 'date' | 'uuid' | 'integer'; readonly value: string | number | null };

export type MetricDefinition<C extends readonly Column[] = readonly Column[]> = {
  readonly description: string;
  readonly columns: C;
  /** analytics.<function> and its arguments, in order. */
  readonly call: (request: MetricRequest) => { readonly fn: string; readonly args: readonly Argument[] };
  /** The bucket size of the rows: the requested one for series, fixed or none for tables. */
  readonly granularity: (request: MetricRequest) => 'day' | 'week' | 'month' | null;
};

const date = (value: string): Argument => ({ type: 'date', value });
const text = (value: string | null | undefined): Argument => ({ type: 'text', value: value ?? null });
const uuid = (value: string | undefined): Argument => ({ type: 'uuid', value: value ?? null });
const integer = (value: number | null): Argument => ({ type: 'integer', value });
const range = (request: MetricRequest) => [date(request.startDate), date(request.endDate)];

export const SERIES_COLUMNS = [
  { name: 'bucket', kind: 'date', description: 'First local day of the bucket (day, ISO week from Monday, or month).' },
  { name: 'value', kind: 'number', description: 'The metric for the bucket: 0 for a count with nothing in it, null for a rate or mean with nothing to divide.' },
  { name: 'complete', kind: 'flag', description: 'False while the bucket is not over yet (its numbers can still change).' },
] as const satisfies readonly Column[];

export const RETENTION_COLUMNS = [
  { name: 'cohort', kind: 'date', description: 'Monday of the signup week.' },
  { name: 'cohort_size', kind: 'count', description: 'Users who signed up that week.' },
  { name: 'week_offset', kind: 'count', description: 'Weeks after the signup week (0 = the signup week).' },
  { name: 'retained', kind: 'count', description: 'Cohort users with a session in week cohort + week_offset.' },
  { name: 'rate', kind: 'number', description: 'retained / cohort_size, 0-1; null for an empty cohort.' },
] as const satisfies readonly Column[];

export const ACTIVE_USERS_COLUMNS = [
  { name: 'bucket', kind: 'date', description: 'Local day.', source: 'day' },
  { name: 'dau', kind: 'count', description: 'Distinct users with a session that day.' },
  { name: 'wau', kind: 'count', description: 'Distinct users over the 7 days ending that day.' },
  { name: 'mau', kind: 'count', description: 'Distinct users over the 30 days ending that day.' },
  { name: 'stickiness', kind: 'number', description: 'dau / mau, 0-1; null when mau is 0.' },
] as const satisfies readonly Column[];

// One row per month and currency: mrr_cents is the currency's own, every
// other number is platform-wide and the same on each currency row of a month.
export const RESTATEMENT_COLUMNS = [
  { name: 'period_start', kind: 'date', description: 'First local day of the restated week or month.' },
  { name: 'metric', kind: 'text', description: 'relation.column of the number in schema analytics_report, e.g. platform_weekly.sessions_started or business_monthly.mrr_cents.' },
  { name: 'currency', kind: 'text', description: 'The currency of an amount of money; null for a count or rate.' },
  { name: 'old_value', kind: 'number', description: 'The number before (null: a rate with nothing to divide; an amount absent in a currency is 0).' },
  { name: 'new_value', kind: 'number', description: 'The number after.' },
  { name: 'restated_at', kind: 'instant', description: 'When the refresh that changed it ran (ISO 8601 with offset).' },
  { name: 'cause', kind: 'text', description: 'Why, as the refresh knew it: late rows of a platform table, a TRUNCATE, a zone change, a forced refresh or a backfill.' },
] as const satisfies readonly Column[];

export const SUBSCRIPTION_COLUMNS = [
  { name: 'bucket', kind: 'date', description: 'First day of the calendar month.' },
  { name: 'currency', kind: 'text', description: 'The currency of mrr_cents (every currency that has had a paying customer; null when none has). Money is never added across currencies.' },
  { name: 'mrr_cents', kind: 'number', description: 'Monthly recurring revenue in this currency at the end of the month, in cents (quarterly and annual plans normalised to one month; 2 decimals).' },
  { name: 'paying_customers', kind: 'count', description: 'Customers (users) paying at the end of the month, in any currency. The same on every currency row.' },
  { name: 'new_customers', kind: 'count', description: 'Customers paying at the end of the month, not at its start, who had never paid before. The same on every currency row.' },
  { name: 'reactivated_customers', kind: 'count', description: 'Customers paying at the end of the month, not at its start, who had paid before. The same on every currency row.' },
  { name: 'churned_customers', kind: 'count', description: 'Customers paying at the start of the month and not at its end (a plan change is not a churn). The same on every currency row.' },
  { name: 'customer_churn_rate', kind: 'number', description: 'churned_customers / customers paying at the start of the month, 0-1; null when none were paying. The same on every currency row.' },
  { name: 'active_subscriptions', kind: 'count', description: 'Subscriptions paying at the end of the month (a customer with two counts twice). The same on every currency row.' },
  { name: 'new_subscriptions', kind: 'count', description: 'Subscriptions whose paid start falls in the month (a plan change counts one). The same on every currency row.' },
  { name: 'churned_subscriptions', kind: 'count', description: 'Subscriptions that ended in the month after their paid start (a plan change counts one). The same on every currency row.' },
  { name: 'subscription_churn_rate', kind: 'number', description: 'churned_subscriptions / subscriptions paying at the start of the month, 0-1; null when none were paying. The same on every currency row.' },
  { name: 'trial_conversion', kind: 'number', description: 'Trials ending in the month that converted (not ended by the trial end), 0-1; null when no trial ended. The same on every currency row.' },
  { name: 'complete', kind: 'flag', description: 'False while the month is not over yet.' },
] as const satisfies readonly Column[];

export const MRR_MOVEMENT_COLUMNS = [
  { name: 'bucket', kind: 'date', description: 'First day of the calendar month.' },
  { name: 'currency', kind: 'text', description: 'The subscriptions\' currency; money is never added across currencies.' },
  { name: 'mrr_start_cents', kind: 'number', description: 'MRR at the month\'s first instant, in cents (plans normalised to one month; 2 decimals).' },
  { name: 'new_cents', kind: 'number', description: 'MRR at the month\'s end of customers who paid nothing at its start and never paid in this currency before.' },
  { name: 'expansion_cents', kind: 'number', description: 'MRR gained by customers paying more at the month\'s end than at its start.' },
  { name: 'contraction_cents', kind: 'number', description: 'MRR lost by customers paying less, but not nothing, at the month\'s end.' },
  { name: 'churn_cents', kind: 'number', description: 'MRR at the month\'s start of customers paying nothing at its end.' },
  { name: 'reactivation_cents', kind: 'number', description: 'MRR at the month\'s end of customers who paid nothing at its start but had paid before.' },
  { name: 'mrr_end_cents', kind: 'number', description: 'MRR at the next month\'s first instant: start + new + expansion - contraction - churn + reactivation.' },
  { name: 'complete', kind: 'flag', description: 'False while the month is not over yet (computed from the subscriptions as they stand).' },
] as const satisfies readonly Column[];

export const USAGE_PATTERN_COLUMNS = [
  { name: 'weekday', kind: 'count', description: 'ISO weekday: 1 = Monday .. 7 = Sunday.' },
  { name: 'hour', kind: 'count', description: 'Local hour, 0-23.' },
  { name: 'sessions', kind: 'count', description: 'Sessions started in that weekday and hour over the range.' },
] as const satisfies readonly Column[];

export const SCENARIO_COLUMNS = [
  { name: 'scenario_id', kind: 'uuid', description: 'Platform scenario id.' },
  { name: 'title', kind: 'text', description: 'Scenario title (null if the scenario was deleted).' },
  { name: 'difficulty_level', kind: 'text', description: 'Difficulty level as the platform names it.' },
  { name: 'usage_count', kind: 'count', description: 'Sessions started on the scenario.' },
  { name: 'sessions_completed', kind: 'count', description: 'Of those, sessions completed.' },
  { name: 'completion_rate', kind: 'number', description: 'completed / finished (not in progress), 0-1; null when none finished.' },
  { name: 'average_score', kind: 'number', description: 'Mean score of completed scored sessions, 0-500; null when none.' },
  { name: 'average_completion_time', kind: 'number', description: 'Mean duration of completed sessions, seconds; null when none.' },
] as const satisfies readonly Column[];

export const STRENGTH_AREA_COLUMNS = [
  { name: 'criterion', kind: 'text', description: 'Feedback criterion, as named in feedback_reports.criteria_scores.' },
  { name: 'average_score', kind: 'number', description: 'Mean score of the criterion (its own scale).' },
  { name: 'reports', kind: 'count', description: 'Feedback reports that scored the criterion.' },
] as const satisfies readonly Column[];

export const TIME_DISTRIBUTION_COLUMNS = [
  { name: 'from_minutes', kind: 'count', description: 'Start of the 5-minute bin (inclusive).' },
  { name: 'to_minutes', kind: 'count', description: 'End of the bin (exclusive).' },
  { name: 'sessions', kind: 'count', description: 'Completed sessions whose duration falls in the bin; empty bins are omitted.' },
] as const satisfies readonly Column[];

const requested = (request: MetricRequest) => request.granularity;

function series(metric: string, description: string): MetricDefinition<typeof SERIES_COLUMNS> {
  return {
    description,
    columns: SERIES_COLUMNS,
    granularity: requested,
    call: (request) => ({
      fn: 'metric_series',
      args: [text(metric), ...range(request), text(request.granularity), uuid(request.userId),
        uuid(request.scenarioId), text(request.difficultyLevel)],
    }),
  };
}

const retention: MetricDefinition<typeof RETENTION_COLUMNS> = {
  description: 'Weekly signup cohorts: for every cohort week in the range and every week offset up to the week of endDate, the users retained.',
  columns: RETENTION_COLUMNS,
  granularity: () => 'week',
  call: (request) => ({ fn: 'retention', args: range(request) }),
};

function scenarios(description: string, defaultLimit: number | null): MetricDefinition<typeof SCENARIO_COLUMNS> {
  return {
    description,
    columns: SCENARIO_COLUMNS,
    granularity: () => null,
    call: (request) => ({
      fn: 'scenario_report',
      args: [...range(request), uuid(request.scenarioId), text(request.difficultyLevel), integer(request.limit ?? defaultLimit)],
    }),
  };
}

export const METRIC_DEFINITIONS = {
  users: {
    active_users: series('active_users', 'Distinct users with a session in the bucket.'),
    new_users: series('new_users', 'Users who signed up in the bucket.'),
    sessions_started: series('sessions_started', 'Sessions started in the bucket (platform-wide, or the userId\'s).'),
    sessions_completed: series('sessions_completed', 'Sessions started in the bucket that are completed.'),
    completion_rate: series('completion_rate', 'Completed / finished (not in progress) sessions started in the bucket, 0-1.'),
    average_score: series('average_score', 'Mean overall score (0-500) of completed scored sessions started in the bucket.'),
    practice_time: series('practice_time', 'Minutes of practice: the summed durations of sessions started in the bucket.'),
    retention,
    strength_areas: {
      description: 'Mean score per feedback criterion over the reports of sessions started in the range (platform-wide, or the userId\'s).',
      columns: STRENGTH_AREA_COLUMNS,
      granularity: () => null,
      call: (request) => ({ fn: 'strength_areas', args: [...range(request), uuid(request.userId)] }),
    },
    score_progression: series('score_progression', 'The userId\'s mean overall score (0-500) per bucket; needs userId.'),
  },
  content: {
    popular_scenarios: scenarios('The most used scenarios, most sessions started first (limit, default 10).', 10),
    completion_rates: series('completion_rate', 'Completion rate (0-1) per bucket of the selected scenarios (all, scenarioId, and/or difficultyLevel).'),
    average_scores: series('average_score', 'Mean overall score (0-500) per bucket of the selected scenarios.'),
    time_distribution: {
      description: 'Histogram of completed sessions\' durations in 5-minute bins, for the selected scenarios.',
      columns: TIME_DISTRIBUTION_COLUMNS,
      granularity: () => null,
      call: (request) => ({
        fn: 'content_time_distribution',
        args: [...range(request), uuid(request.scenarioId), text(request.difficultyLevel)],
      }),
    },
    scenario_performance: scenarios('One row per scenario used in the range with all content metrics, most used first.', null),
  },
  business: {
    active_users: {
      description: 'Per day: dau, wau, mau and stickiness (dau / mau).',
      columns: ACTIVE_USERS_COLUMNS,
      granularity: () => 'day',
      call: (request) => ({ fn: 'active_users', args: range(request) }),
    },
    subscriptions: {
      description: 'Per calendar month and currency: MRR in that currency, and platform-wide customers and subscriptions (paying, new, churned, churn rates) and trial conversion.',
      columns: SUBSCRIPTION_COLUMNS,
      granularity: () => 'month',
      call: (request) => ({ fn: 'subscription_metrics', args: range(request) }),
    },
    mrr_movements: {
      description: 'Per calendar month and currency: MRR at the start and end, and its movements by customer (new, expansion, contraction, churn, reactivation).',
      columns: MRR_MOVEMENT_COLUMNS,
      granularity: () => 'month',
      call: (request) => ({ fn: 'mrr_movement_metrics', args: range(request) }),
    },
    restatements: {
      description: 'Numbers of finished weeks and months (platform, business, MRR movements) that a later refresh changed, for the periods starting in the range: old and new value, when and why.',
      columns: RESTATEMENT_COLUMNS,
      granularity: () => null,
      call: (request) => ({ fn: 'restatement_history', args: range(request) }),
    },
    usage_patterns: {
      description: 'Sessions started per ISO weekday and local hour over the range (all 168 cells).',
      columns: USAGE_PATTERN_COLUMNS,
      granularity: () => null,
      call: (request) => ({ fn: 'usage_patterns', args: range(request) }),
    },
    retention,
  },
} as const satisfies { readonly [G in MetricGroup]: Record<(typeof METRICS)[G][number], MetricDefinition> };

export type MetricName<G extends MetricGroup> = keyof (typeof METRIC_DEFINITIONS)[G] & string;

/** The row type of a metric, e.g. MetricRowOf<'business', 'subscriptions'>. */
export type MetricRowOf<G extends MetricGroup, M extends MetricName<G>> =
  (typeof METRIC_DEFINITIONS)[G][M] extends MetricDefinition<infer C> ? z.infer<RowSchema<C>> : never;

export function metricDefinition(request: MetricRequest): MetricDefinition {
  return (METRIC_DEFINITIONS[request.group] as Record<string, MetricDefinition>)[request.metric] as MetricDefinition;
}
