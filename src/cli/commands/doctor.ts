import type { Config } from '../../config.ts';
import { findContractProblems, SOURCE_SCHEMA } from '../../contract.ts';
import { createDatabasePool } from '../../db/pool.ts';
import { ContractError } from '../../errors.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { parseFlags } from '../options.ts';

export const doctorHelp = `doctor
    Check the database against the source contract (README): lists every
    missing table, missing column and wrong type; exits 1 when any.`;

export async function doctorCommand(argv: readonly string[], config: Config): Promise<void> {
  parseFlags(argv, {});
  const pool = await createDatabasePool(requireDatabaseUrl(config), { maximumPoolSize: 1 });
  try {
    const problems = await findContractProblems(pool);
    if (problems.length > 0) throw new ContractError(problems);
    console.log(`doctor: schema ${SOURCE_SCHEMA} meets the source contract`);
  } finally {
    await pool.end();
  }
}
