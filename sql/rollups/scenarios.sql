create or replace view analytics.scenarios as
select id as scenario_id, title, profession, difficulty_level from public.scenarios;
comment on view analytics.scenarios is
  'The platform''s scenarios (no personal data), for joining scenario ids in reports to titles.';
comment on column analytics.scenarios.scenario_id is
  'platform scenarios.id';
comment on column analytics.scenarios.title is
  'Scenario title.';
comment on column analytics.scenarios.profession is
  'Profession the scenario is written for.';
comment on column analytics.scenarios.difficulty_level is
  'Difficulty level as the platform names it.';
grant select on analytics.scenarios to analytics_reader;
