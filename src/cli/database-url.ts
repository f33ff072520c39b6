import type { Config } from '../config.ts';
import { ConfigError } from '../errors.ts';

/** The configured DATABASE_URL, or a one-line explanation of how to give one. */
export function requireDatabaseUrl(config: Config): string {
  if (config.databaseUrl) return config.databaseUrl;
  throw new ConfigError(
    'DATABASE_URL is not set: set it to postgres://user:password@host:port/database (`make demo` starts an embedded database instead)',
  );
}
