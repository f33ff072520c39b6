// The PostgreSQL versions the package supports, checked by `migrate` and
// `doctor` before they do anything else: 15 to 18, the oldest and newest
// the whole suite runs on in CI (.ci/run). Older servers are refused.
import type { Queryable } from '../scheduler/buckets.ts';
import { StateError } from '../errors.ts';

export const OLDEST_SUPPORTED = 15;
export const NEWEST_TESTED = 18;

/** server_version_num (e.g. 150013) → "15.13" */
const describe = (versionNum: number) => `${Math.floor(versionNum / 10_000)}.${versionNum % 10_000}`;

/** Null when the server is supported; otherwise the one line that says why not. */
export function unsupportedServer(versionNum: number): string | null {
  if (versionNum >= OLDEST_SUPPORTED * 10_000) return null;
  return `PostgreSQL ${describe(versionNum)} is not supported: @oet-praxis/analytics needs PostgreSQL ${OLDEST_SUPPORTED} or newer (tested on ${OLDEST_SUPPORTED} to ${NEWEST_TESTED})`;
}

/** "PostgreSQL 18.4 (supported)" or a note that the version is newer than any tested. */
export function describeServer(versionNum: number): string {
  const major = Math.floor(versionNum / 10_000);
  return major > NEWEST_TESTED
    ? `PostgreSQL ${describe(versionNum)}: newer than the versions tested (${OLDEST_SUPPORTED} to ${NEWEST_TESTED})`
    : `PostgreSQL ${describe(versionNum)} (supported: ${OLDEST_SUPPORTED} to ${NEWEST_TESTED})`;
}

export async function serverVersionNum(db: Queryable): Promise<number> {
  const { rows } = await db.query(`select pg_catalog.current_setting('server_version_num')::int as version`);
  return (rows[0] as { version: number }).version;
}

export async function assertSupportedServer(db: Queryable): Promise<number> {
  const version = await serverVersionNum(db);
  const problem = unsupportedServer(version);
  if (problem) throw new StateError(problem);
  return version;
}
