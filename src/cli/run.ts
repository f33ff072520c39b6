// The CLI's dispatcher: picks the command, and turns every failure into one
// line on stderr and a non-zero exit. Stacks are shown only with
// ANALYTICS_DEBUG=1, and only for errors that are not the user's input.
import { readFileSync } from 'node:fs';
import { AnalyticsError } from '../errors.ts';
import { COMMANDS } from './commands.ts';
import { UsageError } from './usage-error.ts';

const USAGE = `usage: praxis-analytics <command> [options]

commands:
${Object.values(COMMANDS)
  .map(({ usage }) => `  ${usage.replaceAll('\n', '\n  ')}`)
  .join('\n')}
  --version
    Print the package's version.

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
  if (name === '--version' || name === '-v' || name === 'version') {
    console.log(`praxis-analytics ${packageVersion()}`);
    return 0;
  }
  const command = COMMANDS[name];
  try {
    if (!command) {
      throw new UsageError(`unknown command "${name}"; expected one of: ${Object.keys(COMMANDS).join(', ')}`);
    }
    if (rest.includes('--help') || rest.includes('-h')) {
      console.log(`usage: praxis-analytics ${command.usage}`);
      return 0;
    }
    const [run, { readConfig }] = await Promise.all([command.load(), import('../config.ts')]);
    await run(rest, readConfig());
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

// The same relative path from src/cli/ and from dist/cli/.
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}
