create or replace view analytics.metric_freshness as
select c.endpoint, c.metric, r.granularity, r.last_bucket, r.last_success_at, r.last_error, r.last_error_at, r.pending_buckets, r.lag
from (values
  ('users', 'active_users', 'day'), ('users', 'new_users', 'day'), ('users', 'sessions_started', 'day'),
  ('users', 'sessions_completed', 'day'), ('users', 'completion_rate', 'day'), ('users', 'average_score', 'day'),
  ('users', 'practice_time', 'day'), ('users', 'retention', 'week'), ('users', 'strength_areas', 'day'),
  ('users', 'score_progression', 'day'),
  ('content', 'popular_scenarios', 'day'), ('content', 'completion_rates', 'day'), ('content', 'average_scores', 'day'),
  ('content', 'time_distribution', 'day'), ('content', 'scenario_performance', 'day'),
  ('business', 'active_users', 'day'), ('business', 'subscriptions', 'month'), ('business', 'mrr_movements', 'month'),
  ('business', 'usage_patterns', 'day'), ('business', 'retention', 'week'), ('business', 'restatements', 'day')
) as c (endpoint, metric, granularity)
join analytics.refresh_status r using (granularity);
comment on view analytics.metric_freshness is
  'Freshness of every metric of the admin API (GET /admin/analytics/freshness): the refresh_status of the interval whose buckets store it. Days after the stored ones are read live, so a lag delays late changes to stored days, not today''s numbers.';
comment on column analytics.metric_freshness.endpoint is
  'API endpoint: users, content or business.';
comment on column analytics.metric_freshness.metric is
  'Metric name, as the metric= query parameter takes it.';
comment on column analytics.metric_freshness.granularity is
  'Refresh interval that stores the metric: day, week or month.';
comment on column analytics.metric_freshness.last_bucket is
  'refresh_status.last_bucket of that interval.';
comment on column analytics.metric_freshness.last_success_at is
  'refresh_status.last_success_at of that interval.';
comment on column analytics.metric_freshness.last_error is
  'refresh_status.last_error of that interval.';
comment on column analytics.metric_freshness.last_error_at is
  'refresh_status.last_error_at of that interval.';
comment on column analytics.metric_freshness.pending_buckets is
  'refresh_status.pending_buckets of that interval.';
comment on column analytics.metric_freshness.lag is
  'refresh_status.lag of that interval.';
grant select on analytics.metric_freshness to analytics_reader;
