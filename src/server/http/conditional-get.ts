// Conditional GET for public, cacheable answers: a strong ETag over the exact bytes sent, and 304
// with no body when the caller already holds them (If-None-Match). Used as a route's onSend hook.
// An answer kept in memory (status-cache.ts) brings its ETag along; others are hashed here.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { etagMatches, etagOf, type StatusCache } from './status-cache.ts';

export async function conditionalGet(
  request: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
): Promise<unknown> {
  if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
    return payload;
  }
  const given = reply.getHeader('etag');
  const etag = typeof given === 'string' ? given : etagOf(payload);
  reply.header('etag', etag);
  if (etagMatches(request.headers['if-none-match'], etag)) {
    reply.code(304);
    return '';
  }
  return payload;
}

/**
 * The last onSend hook of a route whose answers the cache keeps: hands the cache the headers sent
 * with a 200, so the fast path answers the next requests with exactly them.
 */
export function keepSentHeaders(cache: StatusCache) {
  return async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const url = request.routeOptions.url;
    if (reply.statusCode === 200 && url && request.url === url)
      cache.keepHeaders(url, reply.getHeaders());
    return payload;
  };
}
