-- Data generator, step 4 of 4: drop the staging schema (see 1-prepare.sql).

drop schema praxis_seed cascade;
