// The standalone server's auth: `Authorization: Bearer <token>` must match
// ANALYTICS_ADMIN_TOKEN. Both sides are hashed to the same length before a
// constant-time comparison, so neither the token's content nor its length
// leaks through response timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import type { ErrorBody } from './plugin.ts';

const digest = (value: string) => createHash('sha256').update(value).digest();

export function bearerAuth(token: string): onRequestHookHandler {
  const expected = digest(token);
  return (request, reply, done) => {
    const presented = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1]?.trim();
    if (presented !== undefined && timingSafeEqual(digest(presented), expected)) {
      done();
      return;
    }
    void reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="analytics"')
      .send({
        error: 'unauthorized',
        message: presented === undefined ? 'send Authorization: Bearer <ANALYTICS_ADMIN_TOKEN>' : 'the bearer token is not valid',
      } satisfies ErrorBody);
  };
}
