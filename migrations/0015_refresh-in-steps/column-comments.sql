comment on column analytics.analytics_aggregates.data is
  'The bucket''s sums and counts as one JSON object, one key per figure; analytics.record_aggregates writes them.';
