// The reporter's side of coordinated disclosure in the portal (issue 16): each vulnerability
// linked to the signed-in reporter's report, with its status, the disclosure date and the time
// left, the date proposed by either side (propose one, accept the team's), the credit chosen
// (change it), and the advisory draft when the team shared it for review (approve it or send
// comments). Everything the team or the reporter wrote is escaped; the draft is Markdown rendered
// with raw HTML off and sanitized.
import type { DateStep, ReporterVulnerability } from '../../domain/disclosure/index.ts';
import type { VulnerabilityStatus } from '../../../shared/domain/disclosure.ts';
import { countdownInWords } from '../../../shared/domain/duration-words.ts';
import { markup, textBlock, timeElement, type SafeHtml } from './html.ts';
import type { FieldError } from './layout.ts';
import { renderMarkdown } from './markdown.ts';

const STATUS_WORDS: Record<VulnerabilityStatus, string> = {
  triage: 'We are assessing whether this is a vulnerability.',
  accepted: 'We confirmed the vulnerability.',
  duplicate: 'Someone reported this vulnerability before.',
  rejected: 'We concluded this is not a vulnerability.',
  informative: 'We took note of it; it needs no fix.',
  fix_in_progress: 'We are fixing the vulnerability.',
  embargoed: 'The fix is ready; the advisory waits for the agreed disclosure date.',
  published: 'The advisory is published.',
  withdrawn: 'The advisory was withdrawn.',
};

/** The form the reporter was filling when it was refused, with their values and the errors. */
export interface PortalDisclosureForm {
  key: string;
  errors: FieldError[];
  values: Record<string, string>;
}

/** The form value a datetime-local field shows for a time (UTC, minutes). */
const localValue = (ms: number) => new Date(ms).toISOString().slice(0, 16);

const side = (s: DateStep) =>
  s.by === 'reporter' ? `you (${s.reportKey ?? 'your report'})` : 'our security team';

function field(
  id: string,
  name: string,
  form: PortalDisclosureForm | undefined,
): { error: FieldError | undefined; attrs: SafeHtml; message: SafeHtml } {
  const error = form?.errors.find((e) => e.field === name);
  return {
    error,
    attrs: error ? markup` aria-invalid="true" aria-describedby="${id}-error"` : markup``,
    message: error ? markup`<p class="error" id="${id}-error">${error.message}</p>` : markup``,
  };
}

function dateSection(
  v: ReporterVulnerability,
  csrf: string,
  now: number,
  form?: PortalDisclosureForm,
) {
  const id = `f-${v.key}-disclosureAt`;
  const f = field(id, 'disclosureAt', form);
  const open = ['accepted', 'fix_in_progress', 'embargoed'].includes(v.status);
  const proposal = v.dateProposal;
  return markup`<h4>Disclosure date</h4>
    ${
      v.disclosureAt !== null
        ? markup`<p>
            Agreed disclosure date: ${timeElement(v.disclosureAt)}${
              v.publishedAt === null && v.disclosureAt > now
                ? markup` (<span class="countdown">${countdownInWords(v.disclosureAt - now)} left</span>)`
                : ''
            }.
          </p>`
        : markup`<p>No disclosure date is agreed yet.</p>`
    }
    <p>Our policy allows a date no later than ${timeElement(v.latestAt)}.</p>
    ${
      proposal
        ? markup`<p>
            Proposed by ${side(proposal)} on ${timeElement(proposal.at)}:
            ${timeElement(proposal.disclosureAt)}.
          </p>`
        : ''
    }
    ${
      v.dateSteps.length > 0
        ? markup`<ul class="date-steps">
            ${v.dateSteps.map(
              (s) =>
                markup`<li>${timeElement(s.at)}: ${s.kind === 'proposed' ? 'proposed' : 'accepted'}
                  by ${side(s)}: ${timeElement(s.disclosureAt)}</li>`,
            )}
          </ul>`
        : ''
    }
    ${
      open && proposal?.by === 'team'
        ? markup`<form method="post" action="/portal/vulnerabilities/${v.key}/date/accept">
            <input type="hidden" name="csrf" value="${csrf}" />
            <button type="submit">Accept ${timeElement(proposal.disclosureAt)}</button>
          </form>`
        : ''
    }
    ${
      open
        ? markup`<form method="post" action="/portal/vulnerabilities/${v.key}/date" novalidate>
            <input type="hidden" name="csrf" value="${csrf}" />
            <label for="${id}">Propose a disclosure date (UTC)</label>
            ${f.message}<input
              type="datetime-local"
              id="${id}"
              name="disclosureAt"
              value="${form?.values.disclosureAt ?? (proposal ? localValue(proposal.disclosureAt) : '')}"${f.attrs}
            />
            <button type="submit">Propose this date</button>
          </form>`
        : ''
    }`;
}

function creditSection(v: ReporterVulnerability, csrf: string, form?: PortalDisclosureForm) {
  const nameId = `f-${v.key}-creditName`;
  const f = field(nameId, 'creditName', form);
  const urlId = `f-${v.key}-creditUrl`;
  const u = field(urlId, 'creditUrl', form);
  const current = v.credit.consent ? (v.credit.name ? 'named' : 'anonymous') : 'none';
  const chosen = form?.values.credit ?? current;
  const frozen = v.publishedAt !== null || v.status === 'withdrawn';
  const option = (value: string, label: string) =>
    markup`<div>
      <input type="radio" id="f-${v.key}-credit-${value}" name="credit" value="${value}"${
        chosen === value ? markup` checked` : ''
      } />
      <label for="f-${v.key}-credit-${value}" class="inline">${label}</label>
    </div>`;
  return markup`<h4>Credit</h4>
    <p>
      ${
        v.credit.consent
          ? v.credit.name
            ? markup`You are credited as <strong class="credit-name">${v.credit.name}</strong>${
                v.credit.url
                  ? markup`, linked to <a href="${v.credit.url}" rel="nofollow ugc noopener">${v.credit.url}</a>`
                  : ''
              }.`
            : markup`You are credited as Anonymous.`
          : markup`You are not credited.`
      }
      ${v.credit.chosenAt !== null ? markup`(chosen on ${timeElement(v.credit.chosenAt)})` : ''}
    </p>
    ${
      frozen
        ? markup`<p>The advisory is published: its credits are final.</p>`
        : markup`<form method="post" action="/portal/vulnerabilities/${v.key}/credit" novalidate>
            <input type="hidden" name="csrf" value="${csrf}" />
            <fieldset>
              <legend>How should the advisory credit you?</legend>
              ${option('named', 'By the name below')}
              ${option('anonymous', 'As Anonymous')}
              ${option('none', 'Not at all')}
            </fieldset>
            <label for="${nameId}">Name to credit</label>
            ${f.message}<input
              type="text"
              id="${nameId}"
              name="creditName"
              maxlength="200"
              value="${form?.values.creditName ?? v.credit.name ?? ''}"${f.attrs}
            />
            <label for="${urlId}">Link for the name (optional: your website or profile)</label>
            ${u.message}<input
              type="url"
              id="${urlId}"
              name="creditUrl"
              maxlength="2000"
              placeholder="https://"
              value="${form?.values.creditUrl ?? v.credit.url ?? ''}"${u.attrs}
            />
            <button type="submit">Save credit</button>
          </form>`
    }`;
}

function reviewSection(v: ReporterVulnerability, csrf: string, form?: PortalDisclosureForm) {
  const review = v.review;
  if (!review) {
    return v.reviewRequired && v.publishedAt === null
      ? markup`<h4>Advisory</h4>
          <p>We will share the advisory with you for review before we publish it.</p>`
      : markup``;
  }
  const commentsId = `f-${v.key}-comments`;
  const f = field(commentsId, 'comments', form);
  const open = v.publishedAt === null && v.status !== 'withdrawn';
  return markup`<h4>Advisory draft for your review</h4>
    <p>Shared on ${timeElement(review.requestedAt)}${
      v.reviewRequired ? ': we publish it only once you approve it.' : '.'
    }</p>
    <article class="advisory-draft">
      <h5>${review.title}</h5>
      ${renderMarkdown(review.advisory)}
    </article>
    ${
      review.answer
        ? markup`<p>
            Your answer on ${timeElement(review.answer.at)}:
            ${review.answer.verdict === 'approved' ? 'approved' : 'comments sent'}.
          </p>
          ${review.answer.comments ? textBlock(review.answer.comments) : ''}`
        : ''
    }
    ${
      open
        ? markup`<form method="post" action="/portal/vulnerabilities/${v.key}/review" novalidate>
            <input type="hidden" name="csrf" value="${csrf}" />
            <label for="${commentsId}">Comments (needed to send comments, optional to approve)</label>
            ${f.message}<textarea id="${commentsId}" name="comments" rows="5"${f.attrs}>
${form?.values.comments ?? ''}</textarea>
            <button type="submit" name="verdict" value="approved">Approve the advisory</button>
            <button type="submit" name="verdict" value="comments">Send comments</button>
          </form>`
        : ''
    }`;
}

/** What the team wrote to the reporters about it, oldest first, as text. */
function messagesSection(v: ReporterVulnerability) {
  if (v.messages.length === 0) return markup``;
  return markup`<h4>Messages from our security team</h4>
    <ol class="vulnerability-messages">
      ${v.messages.map((m) => markup`<li>${timeElement(m.sentAt)}: ${textBlock(m.body)}</li>`)}
    </ol>`;
}

/** The portal's section on the vulnerabilities linked to the report (nothing when none). */
export function disclosureSection(
  list: readonly ReporterVulnerability[],
  options: { csrfToken: string; now: number; form?: PortalDisclosureForm | undefined },
): SafeHtml {
  if (list.length === 0) return markup``;
  return markup`<h2>Vulnerability and disclosure</h2>
    ${list.map((v) => {
      const form = options.form?.key === v.key ? options.form : undefined;
      return markup`<section class="vulnerability" aria-labelledby="v-${v.key}">
        <h3 id="v-${v.key}">${v.key}: ${v.title}</h3>
        <p>Status: ${v.status.replace(/_/g, ' ')}. ${STATUS_WORDS[v.status]}</p>
        ${v.cveId ? markup`<p>CVE id: <code>${v.cveId}</code></p>` : ''}
        ${
          v.publishedPath
            ? markup`<p>Published on ${timeElement(v.publishedAt!)}:
                <a href="${v.publishedPath}">read the advisory</a>.</p>`
            : ''
        }
        ${messagesSection(v)}
        ${dateSection(v, options.csrfToken, options.now, form)}
        ${creditSection(v, options.csrfToken, form)}
        ${reviewSection(v, options.csrfToken, form)}
      </section>`;
    })}`;
}
