import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import type { Config } from '../../config.ts';
import { describeCapture, findCaptureProblems } from '../../capture-check.ts';
import { findContractProblems, SOURCE_SCHEMA } from '../../contract.ts';
import { createDatabasePool } from '../../db/pool.ts';
import { describeServer, unsupportedServer } from '../../db/server-version.ts';
import { withPgClient } from '../../db/sql-file.ts';
import { ContractError, StateError } from '../../errors.ts';
import { describePendingDays, pendingDays } from '../../pending-days.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseFlags } from '../options.ts';

type CurrencyUse = { readonly currency: string; readonly subscriptions: number };

function currenciesInUse(pool: DatabasePool): Promise<readonly CurrencyUse[]> {
  return pool.any(sql.type(z.object({ currency: z.string(), subscriptions: z.number() }))`
    select s.currency, count(*)::int as subscriptions from public.subscriptions s group by 1 order by 1`);
}

/** The currencies of the platform's subscriptions: every money figure is reported per currency, and none is converted. */
export function describeCurrencies(uses: readonly CurrencyUse[]): string {
  if (uses.length === 0) return 'currencies in use: none (no subscriptions)';
  return `currencies in use: ${uses.map((use) => `${use.currency} (${use.subscriptions} subscription${use.subscriptions === 1 ? '' : 's'})`).join(', ')}; `
    + 'money is reported per currency, never converted';
}

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
    console.log(`doctor: ${describeCurrencies(await currenciesInUse(pool))}`);
    for (const line of await describeCapture(pool)) console.log(`doctor: ${line}`);
    const capture = await findCaptureProblems(pool);
    for (const problem of capture) console.log(`doctor: ${problem}`);
    const pending = await withPgClient(url, pendingDays);
    if (pending) console.log(`doctor: ${describePendingDays(pending)}`);
    if (capture.length > 0) throw new StateError(`the change capture is incomplete (${capture.length} problem(s) above): changes may be lost`);
  } finally {
    await pool.end();
  }
}
