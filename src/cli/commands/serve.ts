import type { Config } from '../../config.ts';
import { ConfigError } from '../../errors.ts';
import { startServer } from '../../api/server.ts';
import { requireDatabaseUrl } from '../database-url.ts';
import { flagValue, parseFlags, wholeNumber } from '../options.ts';
import { listenForStop } from '../signals.ts';

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
