// Text others wrote (a report's summary, an incident's title) as the personal channels carry it:
// in a header, a text message, a spoken call, a push. One line, cut by characters (never inside
// one), so no line break can end a header and start another and no surrogate pair is split.

/** One line of printable text: control characters (CR, LF, NUL, …) become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ').trim();
}

/** At most `max` characters (code points) of the text. */
export function cut(text: string, max: number): string {
  return [...text].slice(0, Math.max(0, max)).join('');
}
