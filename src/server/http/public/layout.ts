// The frame of every public page: language, title, our one stylesheet, a skip link, landmarks.
// The pages work with JavaScript disabled; only the one-time link pages add a small script that
// saves typing (under a CSP that allows our own scripts there and nowhere else).
import { REFERRER_POLICY } from '../plugins/security-headers-plugin.ts';
import { markup, type SafeHtml } from './html.ts';

/** The public pages' CSP: our stylesheet, and no script at all. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
  "frame-ancestors 'none'; base-uri 'none'";

export interface PageOptions {
  title: string;
  lang?: string;
  /** The reporters' navigation; staff pages (setup, set-password) leave it out. */
  nav?: boolean;
  /** An external script of ours (never inline), for progressive enhancement only. */
  script?: string;
  /** What follows the title in the browser's tab (default "Security"). */
  site?: string;
  /** The skip link's words in the page's language (default English). */
  skipLink?: string;
}

const REPORTER_NAV = markup`<header class="site">
  <nav aria-label="Security pages">
    <ul>
      <li><a href="/report">Report a vulnerability</a></li>
      <li><a href="/portal">Follow your report</a></li>
      <li><a href="/policy">Our policy</a></li>
      <li><a href="/advisories">Advisories</a></li>
      <li><a href="/thanks">Thanks</a></li>
    </ul>
  </nav>
</header>`;

export function page(options: PageOptions, body: SafeHtml): string {
  return markup`<!doctype html>
    <html lang="${options.lang ?? 'en'}">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="${REFERRER_POLICY}" />
        <title>${options.title} · ${options.site ?? 'Security'}</title>
        <link rel="stylesheet" href="/assets/stopline.css" />
      </head>
      <body>
        <a class="skip" href="#main">${options.skipLink ?? 'Skip to the content'}</a>
        ${options.nav === false ? '' : REPORTER_NAV}
        <main id="main" tabindex="-1">${body}</main>
        ${options.script ? markup`<script src="${options.script}"></script>` : ''}
      </body>
    </html> `.value;
}

export interface FieldError {
  field: string;
  message: string;
}

/** The error summary at the top of a form: a list of links to the fields in error. */
export function errorSummary(errors: FieldError[], heading = 'There is a problem'): SafeHtml {
  if (errors.length === 0) return markup``;
  return markup`<div
    class="error-summary"
    role="alert"
    aria-labelledby="error-summary-title"
    tabindex="-1"
  >
    <h2 id="error-summary-title">${heading}</h2>
    <ul>
      ${errors.map((e) => markup`<li><a href="#f-${e.field}">${e.message}</a></li>`)}
    </ul>
  </div>`;
}

export function errorPage(
  status: number,
  title: string,
  detail: string,
  requestId: string,
): string {
  return page(
    { title: `${status} ${title}` },
    markup`<h1>${title}</h1>
      <div class="error-summary" role="alert"><p>${detail}</p></div>
      <p>If this keeps happening, tell us the reference <code>${requestId}</code>.</p>
      <p><a href="/report">Back to the report form</a></p>`,
  );
}
