// The source contract: the platform tables and columns the analytics package
// reads (docs/dba.md, "Source contract"). `doctor` reports every way a database
// falls short of it; `migrate` refuses to start until it holds.
// Hosts may have more columns, in any order, and wider types where the
// analytics SQL reads them the same way (varchar for text, bigint for int).
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';

/** The schema that holds the platform's tables. */
export const SOURCE_SCHEMA = 'public';

const TEXT = ['text', 'character varying'];
const UUID = ['uuid'];
const TIMESTAMPTZ = ['timestamp with time zone'];
const INTEGER = ['integer', 'bigint', 'smallint'];
const NUMBER = ['numeric', 'integer', 'bigint', 'smallint', 'real', 'double precision'];
const JSONB = ['jsonb'];
const DATE = ['date'];

type TableContract = Readonly<Record<string, readonly string[]>>;

/** Required tables → required columns → accepted data types (first = canonical). */
export const SOURCE_CONTRACT: Readonly<Record<string, TableContract>> = {
  users: { id: UUID, email: TEXT, created_at: TIMESTAMPTZ, profession: TEXT, deleted_at: TIMESTAMPTZ },
  scenarios: { id: UUID, title: TEXT, profession: TEXT, difficulty_level: TEXT, created_at: TIMESTAMPTZ },
  sessions: {
    id: UUID, user_id: UUID, scenario_id: UUID, started_at: TIMESTAMPTZ, ended_at: TIMESTAMPTZ,
    duration_seconds: INTEGER, completion_status: TEXT, updated_at: TIMESTAMPTZ,
  },
  feedback_reports: { id: UUID, session_id: UUID, score_raw: NUMBER, criteria_scores: JSONB, created_at: TIMESTAMPTZ },
  subscriptions: {
    id: UUID, user_id: UUID, plan: TEXT, status: TEXT, billing_interval: TEXT, amount_cents: INTEGER,
    currency: TEXT, started_at: TIMESTAMPTZ, trial_ends_at: TIMESTAMPTZ, canceled_at: TIMESTAMPTZ, ended_at: TIMESTAMPTZ,
  },
};

/**
 * Optional: the daily aggregation writes user_progress_snapshots into the
 * platform's table when it has one of this shape, and into its own otherwise,
 * so it is checked only when present.
 */
export const OPTIONAL_CONTRACT: Readonly<Record<string, TableContract>> = {
  user_progress_snapshots: {
    user_id: UUID, snapshot_date: DATE, sessions_completed: INTEGER, average_score: NUMBER,
    total_practice_time: INTEGER, last_active: TIMESTAMPTZ,
  },
};

const ColumnRow = z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() });

/** Every way the database misses the contract, one readable line each; empty when it holds. */
export async function findContractProblems(pool: DatabasePool): Promise<string[]> {
  const tables = [...Object.keys(SOURCE_CONTRACT), ...Object.keys(OPTIONAL_CONTRACT)];
  const columns = await pool.any(sql.type(ColumnRow)`
    select table_name, column_name, data_type
    from information_schema.columns
    where table_schema = ${SOURCE_SCHEMA}
      and table_name = any(${sql.array(tables, 'text')})
  `);
  const found = new Map<string, Map<string, string>>();
  for (const column of columns) {
    const table = found.get(column.table_name) ?? new Map<string, string>();
    table.set(column.column_name, column.data_type);
    found.set(column.table_name, table);
  }

  const problems: string[] = [];
  const check = (contract: Readonly<Record<string, TableContract>>, required: boolean) => {
    for (const [table, wanted] of Object.entries(contract)) {
      const actual = found.get(table);
      if (!actual) {
        if (required) problems.push(`table ${SOURCE_SCHEMA}.${table} is missing`);
        continue;
      }
      for (const [column, types] of Object.entries(wanted)) {
        const type = actual.get(column);
        if (type === undefined) {
          problems.push(`column ${SOURCE_SCHEMA}.${table}.${column} is missing (expected ${types[0]})`);
        } else if (!types.includes(type)) {
          problems.push(`column ${SOURCE_SCHEMA}.${table}.${column} is ${type}, expected ${types.join(' or ')}`);
        }
      }
    }
  };
  check(SOURCE_CONTRACT, true);
  check(OPTIONAL_CONTRACT, false);
  return problems;
}
