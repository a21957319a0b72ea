// One labelled form field of a public page: its label, hint and error message, tied to the input
// with aria-describedby and aria-invalid, so a screen reader hears why a field was refused.
import type { FieldError } from '../../errors.ts';
import { markup, type SafeHtml } from './html.ts';

export interface FieldOptions {
  name: string;
  label: string;
  hint?: string;
  required?: boolean;
  autocomplete?: string;
  minLength?: number;
  /** The words around a field in the page's language (English by default). */
  words?: FieldWords;
}

export interface FieldWords {
  required: string;
  optional: string;
  errorPrefix: string;
}

const ENGLISH: FieldWords = { required: 'required', optional: 'optional', errorPrefix: 'Error' };

/** The hint and error paragraphs of a field, and the attributes that point the input at them. */
export function fieldHelp(
  name: string,
  hint: string | undefined,
  errors: FieldError[],
  words: FieldWords = ENGLISH,
) {
  const error = errors.find((e) => e.field === name);
  const describedBy = [hint ? `f-${name}-hint` : '', error ? `f-${name}-error` : '']
    .filter(Boolean)
    .join(' ');
  const hintText = hint ? markup`<p class="hint" id="f-${name}-hint">${hint}</p>` : '';
  const errorText = error
    ? markup`<p class="error" id="f-${name}-error"><span class="visually-hidden">${words.errorPrefix}: </span>${error.message}</p>`
    : '';
  return {
    attrs: markup`${describedBy ? markup` aria-describedby="${describedBy}"` : ''}${
      error ? markup` aria-invalid="true"` : ''
    }`,
    before: markup`${hintText}${errorText}`,
  };
}

export function fieldLabel(opts: FieldOptions): SafeHtml {
  const words = opts.words ?? ENGLISH;
  return markup`<label for="f-${opts.name}">${opts.label} (${opts.required ? words.required : words.optional})</label>`;
}

export function inputField(
  opts: FieldOptions & { type: string; value?: string },
  errors: FieldError[],
): SafeHtml {
  const help = fieldHelp(opts.name, opts.hint, errors, opts.words);
  const required = opts.required ? markup` required` : '';
  const autocomplete = opts.autocomplete ? markup` autocomplete="${opts.autocomplete}"` : '';
  const minLength = opts.minLength ? markup` minlength="${opts.minLength}"` : '';
  return markup`${fieldLabel(opts)}
${help.before}<input type="${opts.type}" id="f-${opts.name}" name="${opts.name}" value="${opts.value ?? ''}"${required}${autocomplete}${minLength}${help.attrs}>`;
}

export function textareaField(
  opts: FieldOptions & { value?: string; rows?: number },
  errors: FieldError[],
): SafeHtml {
  const help = fieldHelp(opts.name, opts.hint, errors);
  const required = opts.required ? markup` required` : '';
  // The newline after <textarea> is dropped by HTML parsers; it keeps a value that starts with
  // a newline intact.
  return markup`${fieldLabel(opts)}
${help.before}<textarea id="f-${opts.name}" name="${opts.name}" rows="${opts.rows ?? 6}"${required}${help.attrs}>
${opts.value ?? ''}</textarea>`;
}
