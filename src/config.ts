// Configuration from the environment, validated once. Every message names the
// variable and what it accepts, so a bad deployment fails on one clear line.
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { CAPTURE_MODES, type CaptureMode } from './capture-mode.ts';

export type Config = {
  /** The platform database; when absent, `demo` starts an embedded server. */
  readonly databaseUrl: string | undefined;
  /** A hot standby of it, where `serve` and `demo` read reports, exports and freshness (DATABASE_READ_URL). */
  readonly readDatabaseUrl: string | undefined;
  /** Standby replay lag, in seconds, above which reads go to the primary (ANALYTICS_MAX_REPLICA_LAG). */
  readonly maxReplicaLagSeconds: number;
  /**
   * IANA zone that day/week/month buckets are computed in, when configured:
   * the first migrate, refresh or worker stores it in the database; later
   * ones must match it (undefined: use the stored zone).
   */
  readonly timezone: string | undefined;
  /** Where the embedded server (demo only) keeps its data. */
  readonly embeddedDataDir: string;
  readonly embeddedPort: number;
  /**
   * How platform changes reach the invalidation log, when configured
   * (ANALYTICS_CAPTURE): `migrate` switches the database to it; undefined
   * keeps the database's mode (triggers on a first install).
   */
  readonly capture: CaptureMode | undefined;
  /** Milliseconds a migration or refresh statement waits for a lock (ANALYTICS_LOCK_TIMEOUT). */
  readonly lockTimeoutMs: number;
  /** Bearer token of the standalone admin server (`serve`). */
  readonly adminToken: string | undefined;
  /** Where `serve` and `demo` listen. */
  readonly host: string;
  readonly port: number;
};

const isTimeZone = (name: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

const EnvironmentSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  DATABASE_READ_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  ANALYTICS_MAX_REPLICA_LAG: z
    .string()
    .regex(/^\d+s?$/, 'must be a number of seconds such as 30s')
    .transform((value) => Number(value.replace(/s$/, '')))
    .refine((seconds) => seconds >= 1 && seconds <= 86_400, 'must be from 1s to 86400s')
    .default(30),
  ANALYTICS_TIMEZONE: z
    .string()
    .refine(isTimeZone, 'must be an IANA time zone name such as UTC or Australia/Sydney')
    .optional(),
  ANALYTICS_CAPTURE: z
    .enum(CAPTURE_MODES, { error: `must be one of: ${CAPTURE_MODES.join(', ')}` })
    .optional(),
  ANALYTICS_LOCK_TIMEOUT: z
    .string()
    .regex(/^\d+(ms|s)?$/, 'must be a duration such as 5s or 500ms')
    .transform((value) => (value.endsWith('ms') ? Number(value.slice(0, -2)) : value.endsWith('s') ? Number(value.slice(0, -1)) * 1000 : Number(value)))
    .refine((ms) => ms >= 100 && ms <= 600_000, 'must be from 100ms to 600s')
    .default(5_000),
  ANALYTICS_DATA_DIR: z.string().min(1).default('.data/postgres'),
  ANALYTICS_EMBEDDED_PORT: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1024, 'must be a port from 1024 to 65535')
    .max(65535, 'must be a port from 1024 to 65535')
    .default(54329),
  ANALYTICS_ADMIN_TOKEN: z.string().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(0, 'must be a port from 0 to 65535')
    .max(65535, 'must be a port from 0 to 65535')
    .default(3000),
});

export function readConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  // Treat VAR= (empty) as unset, the way shells and .env files mean it.
  const present = Object.fromEntries(Object.entries(environment).filter(([, value]) => value !== ''));
  const parsed = EnvironmentSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    throw new ConfigError(`${name}=${JSON.stringify(environment[name] ?? '')} ${issue?.message ?? 'is invalid'}`);
  }
  return {
    databaseUrl: parsed.data.DATABASE_URL,
    readDatabaseUrl: parsed.data.DATABASE_READ_URL,
    maxReplicaLagSeconds: parsed.data.ANALYTICS_MAX_REPLICA_LAG,
    timezone: parsed.data.ANALYTICS_TIMEZONE,
    capture: parsed.data.ANALYTICS_CAPTURE,
    lockTimeoutMs: parsed.data.ANALYTICS_LOCK_TIMEOUT,
    embeddedDataDir: parsed.data.ANALYTICS_DATA_DIR,
    embeddedPort: parsed.data.ANALYTICS_EMBEDDED_PORT,
    adminToken: parsed.data.ANALYTICS_ADMIN_TOKEN,
    host: parsed.data.HOST,
    port: parsed.data.PORT,
  };
}
