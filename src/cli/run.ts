// The CLI's dispatcher: picks the command, and turns every failure into one
// line on stderr and a non-zero exit. Stacks are shown only with
// ANALYTICS_DEBUG=1, and only for errors that are not the user's input.
import { readConfig } from '../config.ts';
import { AnalyticsError } from '../errors.ts';
import { demoCommand, demoHelp } from './commands/demo.ts';
import { doctorCommand, doctorHelp } from './commands/doctor.ts';
import { migrateCommand, migrateHelp } from './commands/migrate.ts';
import { refreshCommand, refreshHelp } from './commands/refresh.ts';
import { verifyCommand, verifyHelp } from './commands/verify.ts';
import { workerCommand, workerHelp } from './commands/worker.ts';
import { serveCommand, serveHelp } from './commands/serve.ts';
import { seedCommand, seedHelp } from './commands/seed.ts';
import { summaryCommand, summaryHelp } from './commands/summary.ts';
import { timezoneCommand, timezoneHelp } from './commands/timezone.ts';
import { UsageError } from './options.ts';
import type { Config } from '../config.ts';

type Command = (argv: readonly string[], config: Config) => Promise<void>;

const COMMANDS: Record<string, { run: Command; help: string }> = {
  migrate: { run: migrateCommand, help: migrateHelp },
  doctor: { run: doctorCommand, help: doctorHelp },
  refresh: { run: refreshCommand, help: refreshHelp },
  verify: { run: verifyCommand, help: verifyHelp },
  timezone: { run: timezoneCommand, help: timezoneHelp },
  worker: { run: workerCommand, help: workerHelp },
  serve: { run: serveCommand, help: serveHelp },
  seed: { run: seedCommand, help: seedHelp },
  summary: { run: summaryCommand, help: summaryHelp },
  demo: { run: demoCommand, help: demoHelp },
};

const USAGE = `usage: praxis-analytics <command> [options]

commands:
${Object.values(COMMANDS)
  .map(({ help }) => `  ${help.replaceAll('\n', '\n  ')}`)
  .join('\n')}

environment:
  DATABASE_URL              postgres://user:password@host:port/database
  ANALYTICS_TIMEZONE        IANA zone of day/week/month buckets: chosen by the first
                            migrate/refresh/worker (default UTC), then must match
  ANALYTICS_LOCK_TIMEOUT    how long migrate and refresh statements wait for a lock (default 5s)
  ANALYTICS_DATA_DIR        embedded PostgreSQL data folder (default .data/postgres)
  ANALYTICS_EMBEDDED_PORT   embedded PostgreSQL port (default 54329)
  ANALYTICS_ADMIN_TOKEN     bearer token of \`serve\` (at least 16 characters)
  HOST, PORT                where \`serve\` and \`demo\` listen (default 127.0.0.1:3000)
  ANALYTICS_DEBUG=1         print stack traces of unexpected errors`;

/** Runs the CLI and returns the process exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(', ')}`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(`usage: praxis-analytics ${command.help}`);
      return 0;
    }
    await command.run(rest, readConfig());
    return 0;
  } catch (error) {
    return report(error);
  }
}

function report(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  console.error(`praxis-analytics: ${message.split('\n')[0]}`);
  if (!(error instanceof AnalyticsError) && process.env.ANALYTICS_DEBUG === '1' && error instanceof Error) {
    console.error(error.stack);
  }
  return error instanceof UsageError ? 2 : 1;
}
