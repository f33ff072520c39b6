// 0018: money per currency everywhere, and customer counts beside the
// subscription counts. analytics.monthly_subscriptions keeps counts only
// (its subscription counts renamed to say so, customer counts added);
// analytics_report.business_monthly and subscription_metrics() have one row
// per month and currency, MRR from analytics.monthly_customer_mrr; the
// monthly_business record keeps the counts and a monthly_revenue record per
// currency holds the MRR. Files in migrations/0018_revenue-per-currency/,
// copies of sql/ as released; down.sql restores what 0017 had.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = [
  'monthly_subscriptions-columns.sql',
  'compute_monthly_subscriptions.sql',
  'reconcile_monthly_subscriptions.sql',
  'record_aggregates.sql',
  'analytics_aggregates-comments.sql',
  'subscription_metrics.sql',
  'business_monthly.sql',
];

export const up = (pgm) => {
  // both read columns that change
  pgm.sql('drop view analytics_report.business_monthly;\ndrop function analytics.subscription_metrics(date, date);');
  for (const file of FILES) pgm.sql(read(`0018_revenue-per-currency/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0018_revenue-per-currency/down.sql'));
};
