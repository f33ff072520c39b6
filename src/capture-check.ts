// What `doctor` checks of the change capture once the package is installed.
// Trigger mode: a trigger that is missing, disabled or not enabled ALWAYS
// loses changes silently. Logical mode: wal_level, the slot (there, not
// lost, how much WAL it retains), the publication's tables and the replica
// identity FULL the decoding relies on. Both: a missing or invalid index
// makes refreshes scan the platform's sessions (or reports reaching today
// scan its users). One line per problem, each naming what to run; and, in
// logical mode, one line per fact a DBA watches.
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

const CaptureRow = z.object({
  mode: z.enum(['triggers', 'logical']),
  wal_level: z.string(),
  slot: z.string(),
  slot_present: z.boolean(),
  slot_active: z.boolean().nullable(),
  wal_status: z.string().nullable(),
  retained_bytes: z.number().nullable(),
  publication: z.string(),
  published: z.array(z.string()).nullable(),
  identities: z.array(z.object({ table: z.string(), identity: z.string() })),
});
type CaptureRow = z.infer<typeof CaptureRow>;

/** The capture's mode and, for logical mode, what the server holds for it; undefined before the package has capture_state. */
async function readCapture(pool: DatabasePool): Promise<CaptureRow | undefined> {
  const present = await pool.oneFirst(sql.type(z.object({ present: z.boolean() }))`
    select to_regclass('analytics.capture_state') is not null as present`);
  if (!present) return undefined;
  return pool.one(sql.type(CaptureRow)`
    select c.mode, current_setting('wal_level') as wal_level,
           analytics.logical_slot_name()::text as slot,
           s.slot_name is not null as slot_present, s.active as slot_active, s.wal_status,
           (pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn))::float8 as retained_bytes,
           c.publication::text as publication,
           (select array_agg(format('%I.%I', p.schemaname, p.tablename) order by p.schemaname, p.tablename) from pg_publication_tables p
            where p.pubname = c.publication) as published,
           (select json_agg(json_build_object('table', t.table_name, 'identity',
                   case r.relreplident when 'd' then 'default' when 'n' then 'nothing' when 'f' then 'full' else 'index' end)
                   order by t.table_name)
            from analytics.captured_columns() t
            join pg_class r on r.oid = to_regclass(format('%I.%I', ${SOURCE_SCHEMA}::text, t.table_name))) as identities
    from analytics.capture_state c
    left join pg_replication_slots s on s.slot_name = analytics.logical_slot_name()`);
}

const megabytes = (bytes: number | null) => `${((bytes ?? 0) / 1_048_576).toFixed(1)} MB`;

/** The capture mode on one line; in logical mode also the lines a DBA watches (the slot, the WAL it retains, the publication, replica identity). */
export async function describeCapture(pool: DatabasePool): Promise<string[]> {
  const capture = await readCapture(pool);
  if (capture?.mode !== 'logical') return [`change capture: triggers on ${CAPTURED_TABLES.map((table) => `${SOURCE_SCHEMA}.${table}`).join(', ')}`];
  return [
    `change capture: logical decoding (wal_level = ${capture.wal_level})`,
    capture.slot_present
      ? `replication slot ${capture.slot}: ${capture.slot_active ? 'active (being read now)' : 'inactive between reads'}, WAL ${capture.wal_status}; ` +
        `it retains ${megabytes(capture.retained_bytes)} of WAL (the worker drains it every half second; a stopped worker lets it grow)`
      : `replication slot ${capture.slot}: missing`,
    `publication ${capture.publication}: ${(capture.published ?? []).join(', ') || 'no tables'}`,
    `replica identity: ${capture.identities.map((row) => `${SOURCE_SCHEMA}.${row.table} ${row.identity}`).join(', ')}`,
  ];
}

/** Every way the capture is incomplete, one line each; empty when it is whole or not installed yet. */
export async function findCaptureProblems(pool: DatabasePool): Promise<string[]> {
  const installed = await pool.oneFirst(sql.type(z.object({ installed: z.boolean() }))`
    select to_regprocedure('analytics.install_capture_triggers()') is not null as installed`);
  if (!installed) return [];
  const capture = await readCapture(pool);
  const problems = capture?.mode === 'logical' ? logicalCaptureProblems(capture) : await triggerProblems(pool, capture);
  return [...problems, ...(await indexProblems(pool))];
}

function logicalCaptureProblems(capture: CaptureRow): string[] {
  const problems: string[] = [];
  if (capture.wal_level !== 'logical') {
    problems.push(`wal_level is ${capture.wal_level}, and logical capture needs logical: run ALTER SYSTEM SET wal_level = logical, then restart the server`);
  }
  if (!capture.slot_present || capture.wal_status === 'lost') {
    problems.push(`replication slot ${capture.slot} is ${capture.slot_present ? 'invalidated (max_slot_wal_keep_size)' : 'missing'}, so changes since are lost: ` +
      'the next refresh makes a new one and recomputes the whole history; run SELECT analytics.consume_capture() to do it now');
  }
  const wanted = CAPTURED_TABLES.map((table) => `${SOURCE_SCHEMA}.${table}`);
  for (const table of wanted.filter((name) => !(capture.published ?? []).includes(name))) {
    problems.push(`publication ${capture.publication} lacks ${table}, so its changes are lost: run ALTER PUBLICATION ${capture.publication} ADD TABLE ${table}`);
  }
  for (const { table, identity } of capture.identities.filter((row) => row.identity !== 'full')) {
    problems.push(`${SOURCE_SCHEMA}.${table} has replica identity ${identity}, so an update or delete marks its whole history stale: ` +
      `run ALTER TABLE ${SOURCE_SCHEMA}.${table} REPLICA IDENTITY FULL`);
  }
  return problems;
}

async function triggerProblems(pool: DatabasePool, capture: CaptureRow | undefined): Promise<string[]> {
  const problems: string[] = [];
  if (capture?.slot_present) {
    problems.push(`replication slot ${capture.slot} is left from logical capture and retains ${megabytes(capture.retained_bytes)} of WAL: ` +
      'run SELECT analytics.use_trigger_capture()');
  }
  const triggers = await pool.any(sql.type(TriggerRow)`
    select t.table_name, w.trigger_name, g.tgenabled::text as enabled
    from unnest(${sql.array([...CAPTURED_TABLES], 'text')}) t (table_name)
    cross join unnest(${sql.array([...CAPTURE_TRIGGERS], 'text')}) w (trigger_name)
    left join pg_catalog.pg_trigger g
      on g.tgrelid = to_regclass(format('%I.%I', ${SOURCE_SCHEMA}::text, t.table_name)) and g.tgname = w.trigger_name
    order by 1, 2`);
  for (const { table_name: table, trigger_name: trigger, enabled } of triggers) {
    const on = `trigger ${trigger} on ${SOURCE_SCHEMA}.${table}`;
    if (enabled === null) {
      problems.push(`${on} is missing, so changes are lost: run SELECT analytics.install_capture_triggers()`);
    } else if (enabled !== 'A') {
      const state = enabled === 'D' ? 'disabled' : enabled === 'R' ? 'enabled for replica writes only' : 'not enabled ALWAYS (replica-role writes skip it)';
      problems.push(`${on} is ${state}: run ALTER TABLE ${SOURCE_SCHEMA}.${table} ENABLE ALWAYS TRIGGER ${trigger}`);
    }
  }
  return problems;
}

async function indexProblems(pool: DatabasePool): Promise<string[]> {
  const problems: string[] = [];
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
