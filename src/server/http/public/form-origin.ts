// Where a public form post came from. These forms work without JavaScript, so no custom header can
// prove it; the browser's own word is used instead: Sec-Fetch-Site, or the Origin it sends on a
// post from our own pages (kept there by Referrer-Policy: same-origin). A post that another site
// made a visitor's browser send is refused. Forms behind a portal session also carry a CSRF token.
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../errors.ts';

/** `own-pages`: a browser says our page sent it; `program`: no browser headers at all. */
export type FormPostSource = 'own-pages' | 'program' | 'other-site';

interface FormPostHeaders {
  origin?: string | undefined;
  'sec-fetch-site'?: string | string[] | undefined;
}

export function formPostSource(headers: FormPostHeaders, ownOrigin: string): FormPostSource {
  const site = headers['sec-fetch-site'];
  const origin = headers.origin;
  // Browsers that send Fetch Metadata (all current ones) say it plainly, even when Origin is
  // "null" or the operator's base URL differs from the address the visitor used.
  if (site === 'same-origin' || site === 'none') return 'own-pages';
  if (site !== undefined) return 'other-site';
  // Older browsers: the Origin must be ours. `null` comes from sandboxed frames and other pages
  // that hide where they are, so it is refused.
  if (origin === undefined) return 'program';
  return origin === ownOrigin ? 'own-pages' : 'other-site';
}

/** An onRequest hook for a public form's POST: runs before the body is read. */
export function refuseCrossSiteForms(ownOrigin: string) {
  return async function refuseCrossSiteForm(request: FastifyRequest): Promise<void> {
    if (formPostSource(request.headers, ownOrigin) === 'other-site') {
      throw new AppError('FORBIDDEN', 'This form must be sent from our own pages', {
        reason: 'cross-site',
      });
    }
  };
}
