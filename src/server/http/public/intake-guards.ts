// Refusals a public post gets before its body is read, so a refused sender costs no memory, no
// parsing and no disk: over the hourly intake limit (429, a read-only look at the counter), and a
// multipart form whose declared length is over the cap (413). A body sent without a length is
// counted as it arrives (readForm).
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';

/** An onRequest hook: the sender's address is over the hourly report-and-reply limit. */
export function refuseOverIntakeLimit(reports: {
  checkIntakeAllowed(origin: { ip: string }): Promise<void>;
}) {
  return async (request: FastifyRequest): Promise<void> => {
    await reports.checkIntakeAllowed({ ip: request.ip });
  };
}

/** An onRequest hook: a multipart body that says it is longer than `limit` bytes. */
export function refuseOversizeMultipart(limit: number) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!/^multipart\//i.test(request.headers['content-type'] ?? '')) return;
    const length = Number(request.headers['content-length']);
    if (Number.isFinite(length) && length > limit) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `The form is larger than ${limit} bytes in all, the most accepted`,
        { limit },
      );
    }
  };
}
