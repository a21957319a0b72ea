// Text as HTML: the one escape for every page, feed, notice and export Stopline writes as HTML.
// Safe as element text and as a quoted attribute value (single or double quotes); backticks are
// escaped too, for old browsers that took them as attribute quotes.

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}
