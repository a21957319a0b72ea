// The portal session cookie: HttpOnly, SameSite=Strict, Path=/portal, Secure behind https.
import type { FastifyReply, FastifyRequest } from 'fastify';

export const PORTAL_COOKIE = 'stopline_portal';

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function setPortalCookie(
  reply: FastifyReply,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): void {
  reply.header(
    'set-cookie',
    `${PORTAL_COOKIE}=${value}; Path=/portal; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
  );
}
