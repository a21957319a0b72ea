// Security headers on every response: a CSP without inline script, no framing, no referrer to
// other sites, no MIME sniffing, and HSTS when Stopline is served over https.
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * No Referer ever leaves for another site, and our own form posts keep their Origin. (With
 * no-referrer a browser sends `Origin: null` on a plain form post, which the public forms'
 * origin check must then refuse.)
 */
export const REFERRER_POLICY = 'same-origin';

export const securityHeadersPlugin = fp(async (app: FastifyInstance, opts: { https: boolean }) => {
  await app.register(helmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // The API reference page sets style attributes; styles cannot run code.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: REFERRER_POLICY },
    frameguard: { action: 'deny' },
    hsts: opts.https ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
});
