// Turns the many ways a connection can fail (refused, unknown host, bad
// password, no such database…) into one line that says where and why,
// without the password.
import { DatabaseUnavailableError } from '../errors.ts';

/** PostgreSQL error codes (SQLSTATE) the package reacts to by name. */
export const PgErrorCode = {
  invalidPassword: '28P01',
  invalidAuthorization: '28000',
  invalidCatalogName: '3D000',
  cannotConnectNow: '57P03',
  tooManyConnections: '53300',
  adminShutdown: '57P01',
  lockNotAvailable: '55P03',
  serializationFailure: '40001',
  dependentObjectsStillExist: '2BP01',
} as const;

const NETWORK_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused (is PostgreSQL running there?)',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'connection timed out',
  ECONNRESET: 'connection reset by the server',
  EHOSTUNREACH: 'host unreachable',
};

const SERVER_CODES: Record<string, string> = {
  [PgErrorCode.invalidPassword]: 'password authentication failed',
  [PgErrorCode.invalidAuthorization]: 'login refused by the server (pg_hba.conf or role)',
  [PgErrorCode.invalidCatalogName]: 'database does not exist',
  [PgErrorCode.cannotConnectNow]: 'the server is starting up or shutting down',
  [PgErrorCode.tooManyConnections]: 'too many connections',
};

/** host:port/database of a connection URL, for messages (never the password). */
export function describeTarget(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname || '/'}`;
  } catch {
    return 'the configured database (unparsable URL)';
  }
}

/** Every error code (SQLSTATE or network) on `error` and its causes. */
export function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 8; depth += 1) {
    if (typeof current === 'object') {
      const { code, errors } = current as { code?: unknown; errors?: unknown };
      if (typeof code === 'string') codes.push(code);
      // AggregateError (node tries IPv4 and IPv6 in turn) keeps the reasons in `errors`
      if (Array.isArray(errors)) codes.push(...errors.flatMap(codesOf));
    }
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

/**
 * A DatabaseUnavailableError when `error` is a failure to connect or log in,
 * otherwise undefined (the error is about something else).
 */
export function toConnectionError(error: unknown, url: string): DatabaseUnavailableError | undefined {
  const reason = codesOf(error)
    .map((code) => NETWORK_CODES[code] ?? SERVER_CODES[code])
    .find((text) => text !== undefined);
  if (reason === undefined) return undefined;
  return new DatabaseUnavailableError(`cannot connect to ${describeTarget(url)}: ${reason}`, { cause: error });
}
