// 0016: MRR movements per customer and currency. A rollup of each
// customer's MRR per month and currency (analytics.monthly_customer_mrr), its
// computation and refresh step, and the relations
// analytics_report.mrr_movements and mrr_movements_by_customer;
// compute_monthly_subscriptions() reads what it shares with them from two new
// helpers (subscription_terms(), month_instants()); clear_rollups(), verify()
// and refresh_pending() take the new rollup in, and a change on a month's
// first day also refreshes the month before. On a stored history, the
// subscription months are marked stale so that the next refresh fills the
// new rollup. Files in migrations/0016_mrr-movements/, copies of sql/ as
// released. Down re-applies refresh_pending() of 0015
// (migrations/0015_refresh-in-steps/refresh_pending.sql), then down.sql.
import { readFileSync } from 'node:fs';

const read = (path) => readFileSync(new URL(`./${path}`, import.meta.url), 'utf8');

const FILES = [
  'subscription_terms.sql',
  'month_instants.sql',
  'compute_monthly_subscriptions.sql',
  'monthly_customer_mrr.sql',
  'compute_monthly_customer_mrr.sql',
  'reconcile_monthly_customer_mrr.sql',
  'clear_rollups.sql',
  'verify.sql',
  'refresh_pending.sql',
  'mrr_movements.sql',
  'mrr_movements_by_customer.sql',
  'marks.sql',
];

export const up = (pgm) => {
  for (const file of FILES) pgm.sql(read(`0016_mrr-movements/${file}`));
};

export const down = (pgm) => {
  pgm.sql(read('0015_refresh-in-steps/refresh_pending.sql'));
  pgm.sql(read('0016_mrr-movements/down.sql'));
};
