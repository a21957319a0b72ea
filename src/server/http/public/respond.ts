// Answers of the public pages: HTML with the right type, and errors as accessible HTML pages.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toAppError } from '../plugins/problem-plugin.ts';
import { errorPage, PAGE_CSP } from './layout.ts';

export const ERROR_PAGE_TITLES: Record<number, string> = {
  400: 'The form could not be read',
  401: 'Sign-in did not work',
  403: 'Not allowed',
  404: 'Page not found',
  413: 'Too much to upload',
  415: 'This kind of upload is not accepted',
  422: 'The form could not be accepted',
  429: 'Too many attempts',
};

export function sendHtml(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(body);
}

/**
 * An error as an HTML page: logged (an internal one as an error), Retry-After kept, and the page
 * from `render` (a site with its own words and way back) or the public site's.
 */
export function sendErrorPage(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
  render?: (status: number, requestId: string) => string,
): FastifyReply {
  const appError = toAppError(error);
  if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
  else request.log.info({ code: appError.code, detail: appError.message }, 'request refused');
  const retry = appError.details.retryAfterSeconds;
  if (retry !== undefined) reply.header('retry-after', String(retry));
  const status = appError.status;
  if (render) return sendHtml(reply, status, render(status, String(request.id)));
  const title = ERROR_PAGE_TITLES[status] ?? 'Something went wrong';
  return sendHtml(reply, status, errorPage(status, title, appError.message, String(request.id)));
}

/** A page that does not exist, as a page, for a browser that asked for one. */
export function sendNotFoundPage(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store');
  return sendHtml(
    reply,
    404,
    errorPage(
      404,
      ERROR_PAGE_TITLES[404]!,
      `There is no page at ${request.url.split('?')[0]}.`,
      String(request.id),
    ),
  );
}
