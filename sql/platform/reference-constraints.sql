-- Keys, foreign keys, checks and indexes of the reference platform schema,
-- added after a bulk load (building an index once is much cheaper than
-- maintaining it row by row). Idempotent: safe to run on tables that have
-- them already.

do $$
begin
  if to_regclass('public.users_pkey') is null then
    alter table public.users add constraint users_pkey primary key (id);
  end if;
  if to_regclass('public.scenarios_pkey') is null then
    alter table public.scenarios add constraint scenarios_pkey primary key (id);
  end if;
  if to_regclass('public.sessions_pkey') is null then
    alter table public.sessions add constraint sessions_pkey primary key (id);
  end if;
  if to_regclass('public.feedback_reports_pkey') is null then
    alter table public.feedback_reports add constraint feedback_reports_pkey primary key (id);
  end if;
  if to_regclass('public.feedback_reports_session_id_key') is null then
    alter table public.feedback_reports add constraint feedback_reports_session_id_key unique (session_id);
  end if;
  if to_regclass('public.subscriptions_pkey') is null then
    alter table public.subscriptions add constraint subscriptions_pkey primary key (id);
  end if;

  if not exists (select from pg_constraint where conname = 'sessions_user_id_fkey') then
    alter table public.sessions
      add constraint sessions_user_id_fkey foreign key (user_id) references public.users (id),
      add constraint sessions_scenario_id_fkey foreign key (scenario_id) references public.scenarios (id),
      add constraint sessions_completion_status_check
        check (completion_status in ('in_progress', 'completed', 'abandoned', 'failed')),
      add constraint sessions_duration_seconds_check check (duration_seconds >= 0);
    alter table public.feedback_reports
      add constraint feedback_reports_session_id_fkey foreign key (session_id) references public.sessions (id) on delete cascade,
      add constraint feedback_reports_score_raw_check check (score_raw between 0 and 500);
    alter table public.subscriptions
      add constraint subscriptions_user_id_fkey foreign key (user_id) references public.users (id),
      add constraint subscriptions_status_check check (status in ('trialing', 'active', 'past_due', 'canceled')),
      add constraint subscriptions_billing_interval_check check (billing_interval in ('month', 'quarter', 'year'));
  end if;
end
$$;

create index if not exists sessions_user_id_started_at_idx on public.sessions (user_id, started_at);
create index if not exists sessions_scenario_id_idx on public.sessions (scenario_id);
create index if not exists subscriptions_user_id_idx on public.subscriptions (user_id);
