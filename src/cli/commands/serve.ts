import type { Config } from '../../config.ts';
import { ConfigError } from '../../errors.ts';
import { startServer } from '../../api/server.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { flagValue, parseFlags, wholeNumber } from '../options.ts';
import { listenForStop } from '../signals.ts';

export const serveHelp = `serve [--host H] [--port N]
    Serve the admin analytics API and dashboard under /admin/analytics
    (default 127.0.0.1:3000, also HOST/PORT) until SIGTERM or Ctrl-C. Every
    data request needs Authorization: Bearer $ANALYTICS_ADMIN_TOKEN.`;

export async function serveCommand(argv: readonly string[], config: Config): Promise<void> {
  const { values } = parseFlags(argv, { host: { type: 'string' }, port: { type: 'string' } });
  const port = values.port === undefined ? config.port : flagValue('port', wholeNumber(0, 65535), values.port);
  const databaseUrl = requireDatabaseUrl(config);
  if (config.adminToken === undefined) {
    throw new ConfigError('ANALYTICS_ADMIN_TOKEN is not set: the server refuses to run without a bearer token (for a local try-out, `make demo` makes one)');
  }
  const stop = listenForStop();
  try {
    const server = await startServer({ databaseUrl, readDatabaseUrl: config.readDatabaseUrl, maxReplicaLagSeconds: config.maxReplicaLagSeconds, token: config.adminToken, host: values.host ?? config.host, port });
    console.log(`serve: admin analytics at ${server.url} (dashboard); API description ${server.url}openapi.json`);
    await stop.stopped();
    await server.close();
  } finally {
    stop.dispose();
  }
}
