// The published security advisories, server-rendered, no script: the list (/advisories) and one
// page per advisory (/advisories/{id}), and their Atom feed. Built only from advisories already
// released (the frozen document recorded at publication); the advisory's text is Markdown rendered
// with raw HTML off and an allow-list sanitizer (markdown.ts), every other text escaped.
import { Feed } from 'feed';
import type {
  AdvisoryDocument,
  ExportFormat,
  PublishedAdvisory,
} from '../../domain/disclosure/index.ts';
import type { VersionRange } from '../../../shared/api/disclosure.ts';
import type { CreditType } from '../../../shared/domain/disclosure.ts';
import { escapeHtml, markup, timeElement, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { renderMarkdown } from './markdown.ts';

export const advisoryHref = (id: string) => `/advisories/${encodeURIComponent(id)}`;
const SITE = 'Security advisories';

function severity(doc: AdvisoryDocument): string | null {
  const score = doc.cvss40 ?? doc.cvss31;
  return score
    ? `${score.rating[0]!.toUpperCase()}${score.rating.slice(1)} (${score.baseScore})`
    : null;
}

function withdrawnNotice(advisory: PublishedAdvisory): SafeHtml {
  return advisory.withdrawnAt === null
    ? markup``
    : markup`<p class="error-summary">Withdrawn on ${timeElement(advisory.withdrawnAt)}.</p>`;
}

function rangeWords(range: VersionRange): string {
  const from = range.introduced === '0' ? 'every version' : `version ${range.introduced}`;
  if (range.fixed !== null) return `from ${from}; fixed in ${range.fixed}`;
  if (range.lastAffected !== null) return `from ${from} up to and including ${range.lastAffected}`;
  return `from ${from}; no fix yet`;
}

function affectedList(doc: AdvisoryDocument): SafeHtml {
  if (doc.affected.length === 0) return markup``;
  return markup`<h2>Affected products</h2>
    <ul>
      ${doc.affected.map(
        (p) => markup`<li>
          <code>${p.purl ?? `${p.vendor ?? ''} ${p.product ?? ''}`}</code>
          ${p.versions.length ? markup`<ul>${p.versions.map((r) => markup`<li>${rangeWords(r)}</li>`)}</ul>` : ''}
        </li>`,
      )}
    </ul>`;
}

const CREDIT_WORDS: Record<CreditType, string> = {
  finder: 'found it',
  reporter: 'reported it',
  analyst: 'analysis',
  coordinator: 'coordination',
  remediation_developer: 'developed the fix',
  remediation_reviewer: 'reviewed the fix',
  remediation_verifier: 'verified the fix',
  tool: 'tool',
  sponsor: 'sponsor',
  other: 'thanks',
};

/** A credited name, linked when the credit has a link: the reporter's own, so neither followed
 * for ranking nor given the opener (rel), and escaped like all their text. */
export function creditName(c: { name: string; url?: string | undefined }): SafeHtml {
  return c.url
    ? markup`<a href="${c.url}" rel="nofollow ugc noopener">${c.name}</a>`
    : markup`${c.name}`;
}

function creditList(doc: AdvisoryDocument): SafeHtml {
  const credits = doc.credits ?? [];
  if (credits.length === 0) return markup``;
  return markup`<h2>Credits</h2>
    <ul>
      ${credits.map((c) => markup`<li>${creditName(c)} (${CREDIT_WORDS[c.type]})</li>`)}
    </ul>`;
}

function facts(doc: AdvisoryDocument): SafeHtml {
  const rating = severity(doc);
  return markup`<dl class="dates">
    <dt>Published</dt>
    <dd>${timeElement(doc.publishedAt)}</dd>
    ${doc.cveId ? markup`<dt>CVE</dt><dd>${doc.cveId}</dd>` : ''}
    ${rating ? markup`<dt>Severity</dt><dd>${rating}</dd>` : ''}
    ${[doc.cvss31, doc.cvss40].map((s) =>
      s ? markup`<dt>CVSS ${s.version}</dt><dd><code>${s.vector}</code></dd>` : '',
    )}
    ${doc.cwes.length ? markup`<dt>Weakness</dt><dd>${doc.cwes.join(', ')}</dd>` : ''}
  </dl>`;
}

const FORMAT_NAMES: Record<ExportFormat, string> = {
  cve: 'CVE Record (JSON 5.1)',
  csaf: 'CSAF 2.0',
  osv: 'OSV',
};

export function advisoryPage(
  advisory: PublishedAdvisory,
  formats: readonly ExportFormat[] = [],
): string {
  const doc = advisory.document;
  return page(
    { title: `${doc.id}: ${doc.title}`, site: SITE },
    markup`<p><a href="/advisories">All advisories</a></p>
      <h1>${doc.title}</h1>
      <p class="hint">${doc.id}</p>
      ${withdrawnNotice(advisory)}
      ${facts(doc)}
      <h2>Details</h2>
      ${renderMarkdown(doc.body)}
      ${affectedList(doc)}
      ${creditList(doc)}
      ${
        doc.references.length
          ? markup`<h2>References</h2>
              <ul>
                ${doc.references.map(
                  (r) =>
                    markup`<li><a href="${r.url}" rel="noopener noreferrer nofollow">${r.url}</a> (${r.type})</li>`,
                )}
              </ul>`
          : ''
      }
      <p class="hint">
        This advisory as published:
        <a href="${advisoryHref(doc.id)}.json">${doc.id}.json</a>, SHA-256
        <code class="code">${advisory.sha256}</code>
      </p>
      ${
        formats.length
          ? markup`<h2>Machine-readable</h2>
              <ul>
                ${formats.map(
                  (f) =>
                    markup`<li><a href="${advisoryHref(doc.id)}/${f}.json">${FORMAT_NAMES[f]}</a></li>`,
                )}
              </ul>`
          : ''
      }`,
  );
}

export function advisoryListPage(advisories: readonly PublishedAdvisory[]): string {
  return page(
    { title: SITE, site: SITE },
    markup`<h1>${SITE}</h1>
      <p>
        Vulnerabilities we fixed and disclosed. Follow them in a feed reader:
        <a href="/advisories.atom">Atom feed</a>.
      </p>
      ${
        advisories.length === 0
          ? markup`<p>No advisory is published yet.</p>`
          : markup`<ul class="timeline">
              ${advisories.map((a) => {
                const rating = severity(a.document);
                return markup`<li>
                  <h2><a href="${advisoryHref(a.document.id)}">${a.document.title}</a></h2>
                  <p class="hint">
                    ${a.document.id}${a.document.cveId ? ` · ${a.document.cveId}` : ''}
                    ${rating ? ` · ${rating}` : ''} · ${timeElement(a.document.publishedAt)}
                    ${a.withdrawnAt === null ? '' : ' · withdrawn'}
                  </p>
                </li>`;
              })}
            </ul>`
      }`,
  );
}

export function advisoryFeed(
  baseUrl: string,
  advisories: readonly PublishedAdvisory[],
  siteCreatedAt: number,
): Feed {
  const home = new URL('/advisories', baseUrl).href;
  const updated =
    advisories.length === 0
      ? siteCreatedAt
      : Math.max(...advisories.map((a) => a.withdrawnAt ?? a.document.publishedAt));
  const feed = new Feed({
    id: home,
    title: SITE,
    link: home,
    updated: new Date(updated),
    generator: 'Stopline',
    copyright: '',
    feedLinks: { atom: new URL('/advisories.atom', baseUrl).href },
  });
  for (const advisory of advisories) {
    const doc = advisory.document;
    const link = new URL(advisoryHref(doc.id), baseUrl).href;
    feed.addItem({
      // Feed readers take entry titles as HTML.
      title: escapeHtml(
        `${doc.id}: ${doc.title}${advisory.withdrawnAt === null ? '' : ' (withdrawn)'}`,
      ),
      id: link,
      link,
      date: new Date(advisory.withdrawnAt ?? doc.publishedAt),
      published: new Date(doc.publishedAt),
      content: markup`${facts(doc)}${renderMarkdown(doc.body)}`.value,
    });
  }
  return feed;
}
