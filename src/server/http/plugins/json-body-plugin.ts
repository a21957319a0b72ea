// JSON request bodies for every route: Fastify's own parser (prototype poisoning refused), then
// one check that every string and property name is well-formed Unicode. JSON may escape a lone
// UTF-16 surrogate ("\ud800"), which no UTF-8 text, database or hash can hold; such a body is a
// 400 naming the field, before any route or service sees it.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../../errors.ts';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** A lone surrogate can only arrive escaped: raw UTF-8 cannot encode one. */
const ESCAPED_SURROGATE = /\\u[dD][89a-fA-F]/;

const fieldName = (path: readonly (string | number)[]) =>
  path.length === 0 ? 'body' : path.join('.');

/** The path of the first string or property name holding a lone surrogate, if any. */
export function findLoneSurrogate(
  value: unknown,
  path: (string | number)[] = [],
): { field: string; inName: boolean } | null {
  if (typeof value === 'string')
    return LONE_SURROGATE.test(value) ? { field: fieldName(path), inName: false } : null;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findLoneSurrogate(item, [...path, i]);
      if (found) return found;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (LONE_SURROGATE.test(key)) return { field: fieldName(path), inName: true };
      const found = findLoneSurrogate(item, [...path, key]);
      if (found) return found;
    }
  }
  return null;
}

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
      const found = ESCAPED_SURROGATE.test(text) ? findLoneSurrogate(value) : null;
      if (!found) return done(null, value);
      const message = found.inName
        ? 'has a property name that is not valid Unicode (a lone UTF-16 surrogate)'
        : 'is not valid Unicode text (it holds a lone UTF-16 surrogate)';
      done(
        new AppError('VALIDATION', 'Some fields are not valid; see errors', {
          errors: [{ field: found.field, message }],
        }),
        undefined,
      );
    });
  });
});
