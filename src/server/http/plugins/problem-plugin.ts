// RFC 9457 problem+json for every error: a stable `type`, the request id, field-level messages
// for validation errors, and nothing internal (no stack, no SQL) in the body.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import {
  AppError,
  ERROR_STATUS,
  ERROR_TITLES,
  type ErrorCode,
  type FieldError,
} from '../../errors.ts';

export const PROBLEM_BASE = 'https://stopline.dev/problems/';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  requestId: string;
  errors?: FieldError[];
  [key: string]: unknown;
}

export function problemType(code: ErrorCode): string {
  return PROBLEM_BASE + code.toLowerCase().replace(/_/g, '-');
}

export function sendProblem(
  request: FastifyRequest,
  reply: FastifyReply,
  error: AppError,
): FastifyReply {
  const { errors, retryAfterSeconds, ...extra } = error.details;
  // A use case's details come first so they can never replace a member RFC 9457 defines: a detail
  // named `status` once turned a 422 into a 500.
  const body: ProblemBody = {
    ...extra,
    type: problemType(error.code),
    title: ERROR_TITLES[error.code],
    status: error.status,
    detail: error.message,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: String(request.id),
    ...(errors ? { errors } : {}),
  };
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  return reply.status(error.status).type('application/problem+json').send(body);
}

function pathOf(path: ReadonlyArray<PropertyKey>, prefix: string): string {
  const parts = path.map((p) => String(p));
  return [prefix, ...parts].filter(Boolean).join('.');
}

/** Maps anything thrown to an AppError without leaking internals. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const fe = error as FastifyError;
  if (hasZodFastifySchemaValidationErrors(fe)) {
    const errors = fe.validation.map((v) => ({
      field:
        pathOf(
          v.instancePath.split('/').filter(Boolean),
          fe.validationContext === 'body' ? '' : (fe.validationContext ?? ''),
        ) ||
        (fe.validationContext ?? 'body'),
      message: v.message ?? 'is not valid',
    }));
    return new AppError('VALIDATION', 'Some fields are not valid; see errors', { errors });
  }
  switch (fe?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError(
        'PAYLOAD_TOO_LARGE',
        'The request body is larger than this server accepts',
      );
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'This content type is not accepted here');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('VALIDATION', 'The request body is not valid JSON', {
        errors: [{ field: 'body', message: 'is not valid JSON' }],
      });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION', 'The request body is empty or malformed', {
        errors: [{ field: 'body', message: 'must be a JSON document' }],
      });
  }
  if (fe?.statusCode === 429) return new AppError('RATE_LIMITED', 'Too many requests; slow down');
  if (typeof fe?.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code = (Object.keys(ERROR_STATUS) as ErrorCode[]).find(
      (c) => ERROR_STATUS[c] === fe.statusCode,
    );
    return new AppError(code ?? 'VALIDATION', fe.message || 'The request cannot be processed');
  }
  return new AppError(
    'INTERNAL',
    'Something went wrong on our side; the request id helps us find it',
  );
}

export interface ProblemPluginOptions {
  /**
   * The answer for a route that does not exist when a browser asks for a page (its Accept names
   * text/html) outside /api/: an HTML page rather than a download of problem+json.
   */
  notFoundPage?: (request: FastifyRequest, reply: FastifyReply) => FastifyReply;
}

function wantsPage(request: FastifyRequest): boolean {
  return !request.url.startsWith('/api/') && (request.headers.accept ?? '').includes('text/html');
}

export const problemPlugin = fp(async (app: FastifyInstance, opts: ProblemPluginOptions) => {
  app.setErrorHandler((error, request, reply) => {
    const appError = toAppError(error);
    if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    else request.log.info({ code: appError.code, detail: appError.message }, 'request refused');
    return sendProblem(request, reply, appError);
  });
  app.setNotFoundHandler((request, reply) =>
    opts.notFoundPage && wantsPage(request)
      ? opts.notFoundPage(request, reply)
      : sendProblem(
          request,
          reply,
          new AppError('NOT_FOUND', `No route for ${request.method} ${request.url.split('?')[0]}`),
        ),
  );
});
