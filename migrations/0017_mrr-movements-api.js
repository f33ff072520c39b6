// 0017: MRR movements in the admin API, its CSV and the dashboard:
// analytics.mrr_movement_metrics() (stored months, and the current one
// computed live) and the metric's row in analytics.metric_freshness.
// Files in migrations/0017_mrr-movements-api/, copies of sql/ as released.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = ['mrr_movement_metrics.sql', 'metric_freshness.sql'];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0017_mrr-movements-api/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0017_mrr-movements-api/down.sql'));
};
