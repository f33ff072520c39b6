-- Reference platform schema: the smallest set of platform tables and columns
-- that @oet-praxis/analytics reads (the "source contract", see README).
--
-- Used by `make demo`, the tests and the benchmarks to stand in for the real
-- platform database. It is NEVER applied by `praxis-analytics migrate`: in
-- production these tables belong to the platform and the analytics package
-- only reads them.
--
-- Tables are created without keys or indexes so that the data generator can
-- bulk-load them quickly; sql/platform/reference-constraints.sql adds the
-- keys, foreign keys and indexes a real platform has, after the load.

create table if not exists public.users (
  id          uuid        not null,
  email       text        not null,
  created_at  timestamptz not null,
  profession  text        not null,
  deleted_at  timestamptz
);
comment on table public.users is 'Reference platform table: one row per registered healthcare professional. email is PII and never leaves the platform.';

create table if not exists public.scenarios (
  id                uuid        not null,
  title             text        not null,
  profession        text        not null,
  difficulty_level  text        not null,
  created_at        timestamptz not null
);
comment on table public.scenarios is 'Reference platform table: one row per role-play scenario.';

create table if not exists public.sessions (
  id                 uuid        not null,
  user_id            uuid        not null,
  scenario_id        uuid        not null,
  started_at         timestamptz not null,
  ended_at           timestamptz,
  duration_seconds   integer,
  completion_status  text        not null,
  updated_at         timestamptz not null
);
comment on table public.sessions is 'Reference platform table: one row per role-play session (in_progress, completed, abandoned or failed).';

create table if not exists public.feedback_reports (
  id               uuid        not null,
  session_id       uuid        not null,
  score_raw        numeric     not null,
  criteria_scores  jsonb       not null,
  created_at       timestamptz not null
);
comment on table public.feedback_reports is 'Reference platform table: the scored feedback of a session (at most one per session), score_raw 0..500.';

create table if not exists public.subscriptions (
  id                uuid        not null,
  user_id           uuid        not null,
  plan              text        not null,
  status            text        not null,
  billing_interval  text        not null,
  amount_cents      integer     not null,
  currency          text        not null,
  started_at        timestamptz not null,
  trial_ends_at     timestamptz,
  canceled_at       timestamptz,
  ended_at          timestamptz
);
comment on table public.subscriptions is 'Reference platform table: one row per subscription; amount_cents is charged once per billing_interval.';
