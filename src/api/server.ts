// The standalone admin server: the analytics routes under /admin/analytics,
// behind a bearer token, with bounded time for every request and query so
// one slow request cannot starve the rest (the pools are bounded, queries
// have a statement timeout, and the HTTP server a request timeout).
import Fastify, { type FastifyInstance } from 'fastify';
import { createAnalytics, type Analytics, type AnalyticsOptions } from '../analytics.ts';
import { ConfigError } from '../errors.ts';
import { bearerAuth } from './bearer-auth.ts';

export const API_PREFIX = '/admin/analytics';
export const MIN_TOKEN_LENGTH = 16;

export type ServerOptions = AnalyticsOptions & {
  /** The bearer token every data request must carry (ANALYTICS_ADMIN_TOKEN). */
  readonly token: string;
  readonly host?: string;
  readonly port?: number;
  /**
   * Longest a client may take to send its request, and to leave its socket
   * idle, in milliseconds (default 30 s). The work of a request is bounded by
   * connectionTimeoutMs + statementTimeoutMs.
   */
  readonly requestTimeoutMs?: number;
  /** Fastify's log level (default 'warn'): failures are logged, requests are not. */
  readonly logLevel?: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
};

export type AnalyticsServer = {
  /** e.g. http://127.0.0.1:3000/admin/analytics/ (the dashboard) */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly analytics: Analytics;
  close(): Promise<void>;
};

export async function startServer(options: ServerOptions): Promise<AnalyticsServer> {
  if (options.token.length < MIN_TOKEN_LENGTH) {
    throw new ConfigError(`ANALYTICS_ADMIN_TOKEN must be at least ${MIN_TOKEN_LENGTH} characters (got ${options.token.length})`);
  }
  const analytics = await createAnalytics(options);
  const app = Fastify({
    logger: { level: options.logLevel ?? 'warn' },
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    connectionTimeout: options.requestTimeoutMs ?? 30_000,
    // the API reads nothing from a body
    bodyLimit: 1024,
  });
  try {
    await app.register(analytics.routes, { prefix: API_PREFIX, authenticate: bearerAuth(options.token) });
    const address = await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 3000 });
    return {
      url: `${address}${API_PREFIX}/`,
      app,
      analytics,
      close: async () => {
        await app.close();
        await analytics.close();
      },
    };
  } catch (error) {
    await app.close();
    await analytics.close();
    const code = (error as { code?: string }).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new ConfigError(`cannot listen on ${options.host ?? '127.0.0.1'}:${options.port ?? 3000} (${code}); choose another with --host/--port or HOST/PORT`, { cause: error });
    }
    throw error;
  }
}
