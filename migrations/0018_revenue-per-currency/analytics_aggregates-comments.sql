-- Migration 0018, once: the comments of analytics.analytics_aggregates name
-- the new monthly_revenue record.
comment on column analytics.analytics_aggregates.metric_type is
  'daily_activity (per day), weekly_content (per ISO week and scenario), monthly_business (per month, platform-wide counts), monthly_revenue (per month and currency: MRR).';
--
comment on column analytics.analytics_aggregates.dimension is
  'The bucket''s dimension value (scenario id for weekly_content, currency for monthly_revenue), empty for platform-wide rows.';
