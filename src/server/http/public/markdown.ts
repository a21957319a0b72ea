// Markdown in messages the security team writes to a reporter: rendered with raw HTML disabled,
// then passed through an allow-list sanitizer, so nothing but plain formatting and http(s) or
// mailto links can reach the page. Reporter text is never rendered as Markdown: it is shown
// exactly as written, escaped.
import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';
import { SafeHtml } from './html.ts';

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });

const ALLOWED: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'strong',
    'em',
    'code',
    'pre',
    'ul',
    'ol',
    'li',
    'blockquote',
    'a',
    'h3',
    'h4',
  ],
  allowedAttributes: { a: ['href', 'rel'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'escape',
  transformTags: {
    // Headings inside a message sit below the page's own h1/h2.
    h1: 'h3',
    h2: 'h3',
    h5: 'h4',
    h6: 'h4',
    a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow' }),
  },
};

export function renderMarkdown(text: string): SafeHtml {
  return new SafeHtml(
    `<div class="markdown">${sanitizeHtml(markdown.render(text), ALLOWED)}</div>`,
  );
}
