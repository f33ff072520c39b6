create table analytics.analytics_aggregates (
  id           uuid        primary key default gen_random_uuid(),
  metric_type  varchar(50) not null,
  time_bucket  timestamp   not null,
  dimension    text        not null default '',
  data         jsonb       not null,
  created_at   timestamp   not null default (now() at time zone 'UTC'),
  constraint analytics_aggregates_metric_bucket_dimension_key unique (metric_type, time_bucket, dimension)
);
comment on table analytics.analytics_aggregates is
  'Spec 3.2 record of every scheduled aggregation''s output (sums and counts as JSON), one row per metric type, bucket and dimension; rewritten when the bucket is recomputed.';
comment on column analytics.analytics_aggregates.id is
  'Row id.';
comment on column analytics.analytics_aggregates.metric_type is
  'daily_activity (per day), weekly_content (per ISO week and scenario), monthly_business (per month, platform-wide counts), monthly_revenue (per month and currency: MRR).';
comment on column analytics.analytics_aggregates.time_bucket is
  'Start of the bucket as local wall-clock time in the reporting zone (midnight of its first day).';
comment on column analytics.analytics_aggregates.dimension is
  'The bucket''s dimension value (scenario id for weekly_content, currency for monthly_revenue), empty for platform-wide rows.';
comment on column analytics.analytics_aggregates.data is
  'The bucket''s sums and counts as one JSON object, one key per figure; analytics.record_aggregates writes them.';
comment on column analytics.analytics_aggregates.created_at is
  'When this output was recorded (UTC).';
grant select on analytics.analytics_aggregates to analytics_reader;
