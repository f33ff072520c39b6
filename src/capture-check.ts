// What `doctor` checks of the change capture once the package is installed:
// a trigger that is missing, disabled or not enabled ALWAYS loses changes
// silently, and a missing or invalid index makes refreshes scan the platform's
// sessions (or reports reaching today scan its users). One line per problem,
// each naming what to run.
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { SOURCE_SCHEMA } from './contract.ts';

export const CAPTURED_TABLES = ['sessions', 'feedback_reports', 'users', 'subscriptions'] as const;
export const CAPTURE_TRIGGERS = ['analytics_capture_insert', 'analytics_capture_update', 'analytics_capture_delete', 'analytics_capture_truncate'] as const;

/** Indexes the package relies on, and the statement that builds each without blocking writes. */
const INDEXES = {
  'public.analytics_sessions_started_at_idx':
    'CREATE INDEX CONCURRENTLY analytics_sessions_started_at_idx ON public.sessions (started_at)',
  'public.analytics_users_created_at_idx':
    'CREATE INDEX CONCURRENTLY analytics_users_created_at_idx ON public.users (created_at)',
  'analytics.invalidation_log_source_at_idx':
    'CREATE INDEX CONCURRENTLY invalidation_log_source_at_idx ON analytics.invalidation_log (source, at)',
} as const;

const TriggerRow = z.object({ table_name: z.string(), trigger_name: z.string(), enabled: z.string().nullable() });
const IndexRow = z.object({ name: z.string(), valid: z.boolean().nullable() });

/** Every way the capture is incomplete, one line each; empty when it is whole or not installed yet. */
export async function findCaptureProblems(pool: DatabasePool): Promise<string[]> {
  const installed = await pool.oneFirst(sql.type(z.object({ installed: z.boolean() }))`
    select to_regprocedure('analytics.install_capture_triggers()') is not null as installed`);
  if (!installed) return [];

  const triggers = await pool.any(sql.type(TriggerRow)`
    select t.table_name, w.trigger_name, g.tgenabled::text as enabled
    from unnest(${sql.array([...CAPTURED_TABLES], 'text')}) t (table_name)
    cross join unnest(${sql.array([...CAPTURE_TRIGGERS], 'text')}) w (trigger_name)
    left join pg_catalog.pg_trigger g
      on g.tgrelid = to_regclass(format('%I.%I', ${SOURCE_SCHEMA}::text, t.table_name)) and g.tgname = w.trigger_name
    order by 1, 2`);
  const problems: string[] = [];
  for (const { table_name: table, trigger_name: trigger, enabled } of triggers) {
    const on = `trigger ${trigger} on ${SOURCE_SCHEMA}.${table}`;
    if (enabled === null) {
      problems.push(`${on} is missing, so changes are lost: run SELECT analytics.install_capture_triggers()`);
    } else if (enabled !== 'A') {
      const state = enabled === 'D' ? 'disabled' : enabled === 'R' ? 'enabled for replica writes only' : 'not enabled ALWAYS (replica-role writes skip it)';
      problems.push(`${on} is ${state}: run ALTER TABLE ${SOURCE_SCHEMA}.${table} ENABLE ALWAYS TRIGGER ${trigger}`);
    }
  }

  const indexes = await pool.any(sql.type(IndexRow)`
    select n.name, i.indisvalid as valid
    from unnest(${sql.array(Object.keys(INDEXES), 'text')}) n (name)
    left join pg_catalog.pg_index i on i.indexrelid = to_regclass(n.name)
    order by 1`);
  for (const { name, valid } of indexes) {
    const build = INDEXES[name as keyof typeof INDEXES];
    if (valid === null) problems.push(`index ${name} is missing: run ${build}`);
    else if (!valid) problems.push(`index ${name} is invalid (an interrupted CREATE INDEX CONCURRENTLY): run DROP INDEX CONCURRENTLY ${name}; ${build}`);
  }
  return problems;
}
