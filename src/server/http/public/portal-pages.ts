// The receipt (shown once, with the access code) and the reporter portal: sign-in, and the view
// of one report with what the reporter may see, a reply form and a sign-out button.
import {
  MILESTONE_WORDS,
  REPORTER_EVENT_LABELS,
  statusInPlainWords,
  type Milestone,
  type PortalView,
  type Receipt,
} from '../../domain/reports/index.ts';
import type { StoredEvent } from '../../db/event-store.ts';
import { markup, textBlock, timeElement, type SafeHtml } from './html.ts';
import { errorSummary, page, type FieldError } from './layout.ts';
import { renderMarkdown } from './markdown.ts';

export function receiptPage(receipt: Receipt, acknowledgeWithin: string): string {
  return page(
    { title: `Report ${receipt.key} received` },
    markup`<h1>Thank you: report ${receipt.key} received</h1>
      <p>
        Keep these two together. They are the only way to follow your report and to talk with us.
      </p>
      <dl class="dates">
        <dt>Report key</dt>
        <dd><code class="code" id="report-key">${receipt.key}</code></dd>
        <dt>Access code</dt>
        <dd><code class="code" id="access-code">${receipt.accessCode}</code></dd>
      </dl>
      <p>
        <strong>The access code is shown only now.</strong> We store only a fingerprint of it, so we
        cannot show it to you again. Copy it into your password manager or notes before leaving this
        page.
      </p>
      <h2>What happens next</h2>
      <ol>
        <li>
          A person on our security team reads your report and acknowledges it within
          ${acknowledgeWithin} (by ${timeElement(receipt.acknowledgeDueAt)}).
        </li>
        <li>We verify and reproduce the issue, and may ask you questions on the report page.</li>
        <li>We tell you when we have decided how serious it is and when it is fixed.</li>
      </ol>
      <p>
        Follow your report at <a href="/portal">the report page</a>: sign in with the key and the
        access code.
      </p>`,
  );
}

export function signInPage(
  options: { key?: string; errors?: FieldError[]; status?: string } = {},
): string {
  const errors = options.errors ?? [];
  const err = (field: string) => errors.find((e) => e.field === field);
  const attrs = (field: string) =>
    err(field) ? markup` aria-invalid="true" aria-describedby="f-${field}-error"` : markup``;
  const message = (field: string) =>
    err(field)
      ? markup`<p class="error" id="f-${field}-error">${err(field)!.message}</p>`
      : markup``;
  return page(
    { title: errors.length ? 'Error: Follow your report' : 'Follow your report' },
    markup`<h1>Follow your report</h1>
      ${errorSummary(errors)}
      ${options.status ? markup`<p role="status">${options.status}</p>` : ''}
      <form method="post" action="/portal/sign-in" novalidate>
        <label for="f-key">Report key</label>
        ${message('key')}<input
          type="text"
          id="f-key"
          name="key"
          value="${options.key ?? ''}"
          autocomplete="username"
          required${attrs('key')}
        />
        <label for="f-accessCode">Access code</label>
        ${message('accessCode')}<input
          type="password"
          id="f-accessCode"
          name="accessCode"
          autocomplete="current-password"
          required${attrs('accessCode')}
        />
        <button type="submit">Sign in</button>
      </form>
      <p>
        Lost your access code? Write to us through the <a href="/report">report form</a> quoting
        your report key; once we have checked that you are the reporter we give you a new one.
      </p>`,
  );
}

function eventBody(event: StoredEvent): SafeHtml {
  const d = event.data as Record<string, unknown>;
  const files = (d.attachments as { name: string; size: number }[] | undefined) ?? [];
  const fileList = files.length
    ? markup`<p>Files:</p>
        <ul>
          ${files.map((f) => markup`<li>${f.name} (${f.size} bytes)</li>`)}
        </ul>`
    : markup``;
  switch (event.type) {
    case 'report.received':
      return markup`<p>Summary:</p>
        ${textBlock(String(d.summary))}${fileList}`;
    case 'report.acknowledged':
      return markup`<p>A person on our security team has read your report.</p>`;
    case 'report.closed':
      return markup`${textBlock(String(d.reason))}`;
    case 'report.status_changed':
      return markup`<p>${statusInPlainWords(d.status as never).text}</p>`;
    case 'report.message_sent':
      return renderMarkdown(String(d.body));
    case 'report.reporter_replied':
      return markup`${typeof d.body === 'string' ? textBlock(d.body) : ''}${fileList}`;
    case 'report.evidence_added':
      return fileList;
    case 'report.milestone_recorded':
      return markup`<p>${MILESTONE_WORDS[d.milestone as Milestone] ?? ''}</p>`;
    case 'report.public_copy_reported':
      return markup`${textBlock(String(d.url))}<p>We will ask for it to be taken out of public view.</p>`;
    case 'report.access_code_rotated':
      return markup`<p>
        A new access code was issued at your request; the old one no longer works.
      </p>`;
    case 'report.reporter_verified':
      return markup`<p>We have verified that you are the reporter.</p>`;
    case 'report.reporter_key_added':
      return markup`<p>
        What we e-mail you is now encrypted to your key
        <code class="code">${String(d.fingerprint)}</code>.
      </p>`;
    default:
      return markup``;
  }
}

export function portalPage(
  view: PortalView,
  options: {
    csrfToken: string;
    errors?: FieldError[];
    body?: string;
    publicUrl?: string;
    status?: string;
    /** The vulnerabilities linked to the report (portal-disclosure.ts). */
    disclosure?: SafeHtml;
  },
): string {
  const { report, events } = view;
  const words = statusInPlainWords(report.status);
  const errors = options.errors ?? [];
  const bodyError = errors.find((e) => e.field === 'body');
  const urlError = errors.find((e) => e.field === 'publicUrl');
  const keyError = errors.find((e) => e.field === 'pgpKey');
  const dates: [string, number | null][] = [
    ['Received', report.receivedAt],
    ['Acknowledged', report.acknowledgedAt],
    ['Assessed', report.assessedAt],
    ['Fixed', report.fixedAt],
    ['Disclosed', report.disclosedAt],
    ['Closed', report.closedAt],
  ];
  return page(
    // The page is written in English whatever the reporter prefers, so its lang stays en.
    { title: `Report ${report.key}` },
    markup`<h1>Report ${report.key}</h1>
      ${options.status ? markup`<p role="status">${options.status}</p>` : ''}
      ${errorSummary(errors)}
      <h2>Status: ${words.title}</h2>
      <p>${words.text}</p>
      <h2>Dates</h2>
      <dl class="dates">
        ${dates
          .filter(([, at]) => at !== null)
          .map(
            ([label, at]) =>
              markup`<dt>${label}</dt>
                <dd>${timeElement(at!)}</dd>`,
          )}
        ${
          report.acknowledgedAt === null
            ? markup`<dt>We promised to acknowledge by</dt>
                <dd>${timeElement(report.acknowledgeDueAt)}</dd>`
            : markup`<dt>Acknowledgment promised by</dt>
                <dd>
                  ${timeElement(report.acknowledgeDueAt)}
                  (${report.acknowledgedAt <= report.acknowledgeDueAt ? 'kept' : 'late'})
                </dd>`
        }
      </dl>
      <p>
        Identity:
        ${
          report.verified
            ? 'verified. We can share our assessment and technical details with you.'
            : 'not yet verified. Before we share our assessment or technical details we check that you are the reporter.'
        }
      </p>
      ${options.disclosure ?? ''}
      <h2>Conversation and history</h2>
      <ol class="timeline">
        ${events.map(
          (event) =>
            markup`<li>
              <h3>${REPORTER_EVENT_LABELS[event.type] ?? 'Update'}</h3>
              <p>${timeElement(event.at)}</p>
              ${eventBody(event)}
            </li>`,
        )}
      </ol>
      <h2>Write to us</h2>
      <form method="post" action="/portal/reply" enctype="multipart/form-data" novalidate>
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <label for="f-body">Your message</label>
        ${bodyError ? markup`<p class="error" id="f-body-error">${bodyError.message}</p>` : ''}
        <textarea
          id="f-body"
          name="body"
          rows="6"
          ${bodyError ? markup` aria-invalid="true" aria-describedby="f-body-error"` : ''}
        >
${options.body ?? ''}</textarea>
        <label for="f-attachments">Add evidence files (optional)</label>
        <input type="file" id="f-attachments" name="attachments" multiple />
        <button type="submit">Send</button>
      </form>
      <h2>Posted publicly?</h2>
      <form method="post" action="/portal/public-url" novalidate>
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <label for="f-publicUrl">Where you or someone else posted this issue publicly</label>
        <p class="hint" id="f-publicUrl-hint">We will first ask for it to be taken out of public view.</p>
        ${urlError ? markup`<p class="error" id="f-publicUrl-error">${urlError.message}</p>` : ''}
        <input type="url" id="f-publicUrl" name="publicUrl" value="${options.publicUrl ?? ''}"
          aria-describedby="f-publicUrl-hint${urlError ? ' f-publicUrl-error' : ''}"${urlError ? markup` aria-invalid="true"` : ''}>
        <button type="submit">Tell us</button>
      </form>
      <h2>Your OpenPGP key</h2>
      ${
        report.contactEmail
          ? markup`<form method="post" action="/portal/pgp-key" novalidate>
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <label for="f-pgpKey">Your OpenPGP public key (armoured)</label>
        <p class="hint" id="f-pgpKey-hint">
          What we e-mail you is then encrypted to it. Paste the public key only, for the address
          you gave us (for example the output of gpg --armor --export); never your private key.
        </p>
        ${keyError ? markup`<p class="error" id="f-pgpKey-error">${keyError.message}</p>` : ''}
        <textarea id="f-pgpKey" name="pgpKey" rows="6" spellcheck="false"
          aria-describedby="f-pgpKey-hint${keyError ? ' f-pgpKey-error' : ''}"${keyError ? markup` aria-invalid="true"` : ''}></textarea>
        <button type="submit">Keep my key</button>
      </form>`
          : markup`<p>Your report has no e-mail address, so we send you nothing by e-mail to encrypt.</p>`
      }
      <form method="post" action="/portal/sign-out">
        <input type="hidden" name="csrf" value="${options.csrfToken}" />
        <button type="submit">Sign out</button>
      </form>`,
  );
}
