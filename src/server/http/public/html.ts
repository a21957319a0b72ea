// A tiny HTML template, markup``: every interpolated value is escaped unless it is already
// SafeHtml built by this same template, so reporter text cannot become markup by accident.
// (Named markup, not html, so that Prettier leaves the whitespace in templates as written.)
import { escapeHtml } from '../../domain/html-escape.ts';

export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export { escapeHtml };

type Value = SafeHtml | string | number | boolean | null | undefined | readonly Value[];

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** markup`<p>${text}</p>`: text is escaped; nested markup`` fragments and arrays of them are kept. */
export function markup(strings: TemplateStringsArray, ...values: Value[]): SafeHtml {
  let out = strings[0]!;
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1]!;
  });
  return new SafeHtml(out);
}

/** Text kept as the reporter wrote it, line breaks included (CSS pre-wrap), escaped. */
export function textBlock(text: string, className = 'user-text'): SafeHtml {
  return markup`<div class="${className}">${text}</div>`;
}

export function formatTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:\d\d\.\d{3}Z$/, ' UTC');
}

export function timeElement(ms: number): SafeHtml {
  return markup`<time datetime="${new Date(ms).toISOString()}">${formatTime(ms)}</time>`;
}
