// How every notice writes what it names and where it links: titles as plain text that cannot
// become a link or a second header line, one link to the console, HTML escaped.
import { escapeHtml } from '../html-escape.ts';

/** Longest title a notice repeats; the console has the rest. */
const TITLE_MAX = 120;

/**
 * A title as a notice repeats it. Titles can come from outside (an incident opened from a
 * report takes the reporter's summary), so control characters and line breaks become spaces and
 * web addresses are defanged (`https[:]//…`): the only link in a notice is Stopline's own.
 */
export function noticeTitle(title: string, max = TITLE_MAX): string {
  const plain = title
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/([a-z][a-z0-9+.-]*):\/\//gi, '$1[:]//');
  return plain.length > max ? `${plain.slice(0, max - 1)}…` : plain;
}

type Link = { label: string; url: string };

const linkHtml = (link: Link) =>
  `<p>${escapeHtml(link.label)} <a href="${escapeHtml(link.url)}">${escapeHtml(link.url)}</a></p>`;

/** The HTML body of a notice: its paragraphs escaped, the links as links (a page's acknowledge
 * link, `first`, before the console's). */
export function noticeHtml(paragraphs: readonly string[], link: Link, first: readonly Link[] = []) {
  return [
    ...paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`),
    ...first.map(linkHtml),
    linkHtml(link),
  ].join('\n');
}
