import { z } from 'zod';
import { sql } from 'slonik';
import type { Config } from '../../config.ts';
import { findCaptureProblems } from '../../capture-check.ts';
import { findContractProblems, SOURCE_SCHEMA } from '../../contract.ts';
import { createDatabasePool } from '../../db/pool.ts';
import { describeServer, unsupportedServer } from '../../db/server-version.ts';
import { withPgClient } from '../../db/sql-file.ts';
import { ContractError, StateError } from '../../errors.ts';
import { describePendingDays, pendingDays } from '../../pending-days.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseFlags } from '../options.ts';

export async function doctorCommand(argv: readonly string[], config: Config): Promise<void> {
  parseFlags(argv, {});
  const url = requireDatabaseUrl(config);
  const pool = await createDatabasePool(url, { maximumPoolSize: 1 });
  try {
    const version = await pool.oneFirst(sql.type(z.object({ version: z.number() }))`
      select pg_catalog.current_setting('server_version_num')::int as version`);
    const unsupported = unsupportedServer(version);
    if (unsupported) throw new StateError(unsupported);
    console.log(`doctor: ${describeServer(version)}`);
    const problems = await findContractProblems(pool);
    if (problems.length > 0) throw new ContractError(problems);
    console.log(`doctor: schema ${SOURCE_SCHEMA} meets the source contract`);
    const capture = await findCaptureProblems(pool);
    for (const problem of capture) console.log(`doctor: ${problem}`);
    const pending = await withPgClient(url, pendingDays);
    if (pending) console.log(`doctor: ${describePendingDays(pending)}`);
    if (capture.length > 0) throw new StateError(`the change capture is incomplete (${capture.length} problem(s) above): changes may be lost`);
  } finally {
    await pool.end();
  }
}
