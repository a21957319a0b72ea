// Request bodies for every route. JSON: Fastify's own parser (prototype poisoning refused). Then,
// for JSON and form bodies alike, one check that every string and property name is text both
// databases store as it was sent: JSON may escape a lone UTF-16 surrogate ("\ud800"), which no
// UTF-8 text, database or hash can hold, and JSON ("\u0000") or a form ("%00") may carry the NUL
// character, which PostgreSQL's text refuses (SQLite would keep it: the same request must not be
// a 500 on one database and stored on the other). Such a body is a 400 naming the field, before
// any route or service sees it. (Multipart forms are read by their route: `report-form.ts`
// asks `findUnstorableText` too.)
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const fieldName = (path: readonly (string | number)[]) =>
  path.length === 0 ? 'body' : path.join('.');

type Flaw = 'surrogate' | 'nul';
const flawOf = (text: string): Flaw | null =>
  text.includes('\u0000') ? 'nul' : LONE_SURROGATE.test(text) ? 'surrogate' : null;

export interface UnstorableText {
  field: string;
  inName: boolean;
  flaw: Flaw;
}

/** The path of the first string or property name holding a lone surrogate or NUL, if any. */
export function findUnstorableText(
  value: unknown,
  path: (string | number)[] = [],
): UnstorableText | null {
  if (typeof value === 'string') {
    const flaw = flawOf(value);
    return flaw ? { field: fieldName(path), inName: false, flaw } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findUnstorableText(item, [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const flaw = flawOf(key);
      if (flaw) return { field: fieldName(path), inName: true, flaw };
      const found = findUnstorableText(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

/** The 400 for text that cannot be stored as sent, naming the field. */
export function unstorableTextError(found: UnstorableText): AppError {
  const what =
    found.flaw === 'nul'
      ? 'the NUL character (U+0000), which is not text'
      : 'a lone UTF-16 surrogate, which is not valid Unicode';
  const message = found.inName ? `has a property name holding ${what}` : `must not hold ${what}`;
  // The detail names the field too: an HTML form's error page shows the detail, not `errors`.
  return new AppError('VALIDATION', `The field "${found.field}" ${message}`, {
    errors: [{ field: found.field, message }],
  });
}

/** NUL or a lone surrogate can reach JSON only escaped: raw UTF-8 cannot carry them in a string. */
const ESCAPED_UNSTORABLE = /\\u(0000|[dD][89a-fA-F])/;

export const jsonBodyPlugin = fp(async (app: FastifyInstance) => {
  const parse = app.getDefaultJsonParser(
    app.initialConfig.onProtoPoisoning ?? 'error',
    app.initialConfig.onConstructorPoisoning ?? 'error',
  );
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    parse(request, text, (error, value) => {
      if (error) return done(error, undefined);
      // Walked only when the text holds such an escape: most bodies are never walked.
      const found = ESCAPED_UNSTORABLE.test(text) ? findUnstorableText(value) : null;
      if (found) return done(unstorableTextError(found), undefined);
      done(null, value);
    });
  });
  // Form bodies (urlencoded), after their parser, before validation and the handler. JSON was
  // checked by its parser above; raw bodies (alert and tracker webhooks, kept byte for byte) are
  // their route's to read.
  app.addHook('preValidation', async (request) => {
    const body = request.body;
    if (body === undefined || body === null || Buffer.isBuffer(body)) return;
    if (request.headers['content-type']?.startsWith('application/json')) return;
    const found = findUnstorableText(body);
    if (found) throw unstorableTextError(found);
  });
});
