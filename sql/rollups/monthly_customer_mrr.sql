create table analytics.monthly_customer_mrr (
  month_start      date    not null,
  currency         text    not null,
  user_id          uuid    not null,
  mrr_start_cents  numeric not null,
  mrr_end_cents    numeric not null,
  movement         text    not null constraint monthly_customer_mrr_movement_check
                     check (movement in ('new', 'expansion', 'contraction', 'churn', 'reactivation', 'unchanged')),
  primary key (month_start, currency, user_id)
);
comment on table analytics.monthly_customer_mrr is
  'Each customer''s monthly recurring revenue per complete local calendar month and currency, at the month''s first instant and at the next month''s, and the movement between the two. A customer is a platform user; money is never added across currencies. One row per customer paying at either instant. Derived from subscription timestamps and amounts only.';
comment on column analytics.monthly_customer_mrr.month_start is
  'First local day of the month.';
comment on column analytics.monthly_customer_mrr.currency is
  'The subscriptions'' currency, as the platform writes it.';
comment on column analytics.monthly_customer_mrr.user_id is
  'The customer (platform users.id).';
comment on column analytics.monthly_customer_mrr.mrr_start_cents is
  'Sum of amount_cents normalised to one month (quarter / 3, year / 12) of the customer''s subscriptions in this currency paying at the month''s first instant; exact, in cents.';
comment on column analytics.monthly_customer_mrr.mrr_end_cents is
  'The same at the first instant of the next month.';
comment on column analytics.monthly_customer_mrr.movement is
  'new (0 at the start, paying at the end, never paid in this currency before), reactivation (the same, having paid before), expansion (more at the end), contraction (less at the end, not 0), churn (0 at the end), unchanged.';
create index monthly_customer_mrr_user_idx on analytics.monthly_customer_mrr (user_id, month_start);
comment on index analytics.monthly_customer_mrr_user_idx is
  'One customer''s months: the drill-down from a movement to its customer''s history.';
grant select on analytics.monthly_customer_mrr to analytics_reader;
