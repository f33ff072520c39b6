// One error family for everything the package reports to a person: the CLI
// prints `message` alone (one line, no stack), the API maps subclasses to
// status codes. The original error, when there is one, stays in `cause`.

export class AnalyticsError extends Error {
  override name = 'AnalyticsError';
}

/** A bad flag, environment variable or option: the message names it and what is allowed. */
export class ConfigError extends AnalyticsError {
  override name = 'ConfigError';
}

/** The database could not be reached or refused the login. */
export class DatabaseUnavailableError extends AnalyticsError {
  override name = 'DatabaseUnavailableError';
}

/** The database does not satisfy the source contract (see contract.ts). */
export class ContractError extends AnalyticsError {
  override name = 'ContractError';
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`the database does not meet the source contract: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

/** A request the database state does not allow (e.g. seeding a non-empty database). */
export class StateError extends AnalyticsError {
  override name = 'StateError';
}

/** Every database connection for this kind of work stayed busy for longer than the caller may wait. */
export class BusyError extends AnalyticsError {
  override name = 'BusyError';
}

/** A standby cancelled a report query twice to replay the primary's changes (a recovery conflict, SQLSTATE 40001). */
export class RecoveryConflictError extends AnalyticsError {
  override name = 'RecoveryConflictError';
}
