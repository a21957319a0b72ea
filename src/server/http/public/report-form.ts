// The public report form: its fields, how a posted form (urlencoded or multipart) becomes the
// same ReportFields the JSON API takes, and the page itself with errors tied to their fields.
import type { FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { ReportFields } from '../../../shared/api/reports.ts';
import { AppError, type FieldError } from '../../errors.ts';
import type { IncomingFile, StagedFile } from '../../domain/reports/index.ts';
import { findUnstorableText, unstorableTextError } from '../plugins/json-body-plugin.ts';
import { markup, type SafeHtml } from './html.ts';
import { fieldHelp, inputField, textareaField } from './form-fields.ts';
import { errorSummary, page } from './layout.ts';

/** Form field name -> label. The order is the order on the page. */
export const FORM_LABELS: Record<string, string> = {
  summary: 'Summary',
  description: 'Description',
  stepsToReproduce: 'Steps to reproduce',
  impact: 'Impact, in your view',
  firstNoticed: 'When you first noticed it',
  affected: 'Affected product or URL',
  attachments: 'Evidence files',
  contactName: 'Your name',
  contactEmail: 'Your e-mail address',
  contactPhone: 'Your phone number',
  contactPgpKey: 'Your OpenPGP public key',
  preferredLanguage: 'Preferred language',
  publicUrl: 'Where it was posted publicly',
  creditConsent: 'Credit',
  creditName: 'Name to credit',
  emergency: 'Emergency',
};

export type FormValues = Record<string, string>;

export interface ParsedForm {
  values: FormValues;
  files: IncomingFile[];
}

/** Text of a form POST is capped here (urlencoded bodies, and the fields of a multipart one). */
export const FORM_BODY_LIMIT = 4 * 1024 * 1024;
/** One text field of a multipart form (the description, 200,000 characters, fits in UTF-8). */
export const FORM_FIELD_MAX_BYTES = 1024 * 1024;
/** Text fields of a multipart form (the report form has 15, a portal reply 2). */
export const FORM_MAX_FIELDS = 20;

export interface FileLimits {
  /** Bytes per file. */
  fileSize: number;
  /** Files per form. */
  files: number;
}

/** The most a multipart form may weigh in all: its text, every file at its largest, framing. */
export function multipartBodyLimit(limits: FileLimits): number {
  return FORM_BODY_LIMIT + 64 * 1024 + limits.files * (limits.fileSize + 2048);
}

const tooLarge = (message: string, details: Record<string, unknown> = {}) =>
  new AppError('PAYLOAD_TOO_LARGE', message, details);

/** The refusal for whatever limit the multipart parser reached. */
function limitError(error: unknown, limits: FileLimits): unknown {
  const code = (error as { code?: string }).code;
  const files = `Attachments are limited to ${limits.files} files of at most ${limits.fileSize} bytes each`;
  if (code === 'FST_FILES_LIMIT') {
    return tooLarge(files, { field: 'attachments', limit: limits.files });
  }
  if (code === 'FST_FIELDS_LIMIT') {
    return tooLarge(`The form has more than ${FORM_MAX_FIELDS} fields, the most accepted`, {
      limit: FORM_MAX_FIELDS,
    });
  }
  if (code === 'FST_PARTS_LIMIT') {
    const parts = FORM_MAX_FIELDS + limits.files;
    return tooLarge(`The form has more than ${parts} parts (fields and files), the most accepted`, {
      limit: parts,
    });
  }
  if ((error as { statusCode?: number }).statusCode === 413) {
    return tooLarge(files, { field: 'attachments', limit: limits.fileSize });
  }
  return error;
}

/**
 * Reads a urlencoded or multipart body. Multipart text is capped per field, in number and in all;
 * files are streamed to the staging folder through `stage` as they arrive (never held whole in
 * memory) and capped in size and number; the whole body is capped as it arrives, also when it is
 * sent chunked without a length. On any refusal the files staged so far are removed. The caller
 * removes the staged files of a form it does not record (`discardUploads`).
 */
export async function readForm(
  request: FastifyRequest,
  limits: FileLimits,
  stage: (source: AsyncIterable<Buffer>) => Promise<StagedFile>,
  discard: (files: IncomingFile[]) => Promise<void>,
): Promise<ParsedForm> {
  const values: FormValues = {};
  const files: IncomingFile[] = [];
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === 'string') values[k] = v;
      else if (Array.isArray(v) && typeof v[0] === 'string') values[k] = v[0];
    }
    return { values, files };
  }
  const iterable = request.parts({
    // Keep the file name exactly as sent (busboy would cut it at the last slash).
    preservePath: true,
    limits: {
      fileSize: limits.fileSize,
      files: limits.files,
      fields: FORM_MAX_FIELDS,
      fieldSize: FORM_FIELD_MAX_BYTES,
      parts: FORM_MAX_FIELDS + limits.files,
    },
  });
  const parts = iterable[Symbol.asyncIterator]();
  // A step that loses the race with the cap may still fail later; that is not an unhandled error.
  const next = () => {
    const step = parts.next();
    step.catch(() => undefined);
    return step;
  };
  // The first step starts the parser, which pipes the request into it; the body is counted from
  // there, chunk by chunk, so a body sent without Content-Length is cut off at the cap too.
  const first = next();
  const total = multipartBodyLimit(limits);
  let received = 0;
  let refuse!: (error: AppError) => void;
  const overflow = new Promise<never>((_resolve, reject) => (refuse = reject));
  overflow.catch(() => undefined);
  const raw = request.raw;
  const count = (chunk: Buffer) => {
    received += chunk.length;
    if (received <= total) return;
    raw.off('data', count);
    // Stop parsing; the rest of the body is read and thrown away, so the answer still arrives.
    raw.unpipe();
    raw.resume();
    refuse(
      tooLarge(`The form is larger than ${total} bytes in all, the most accepted`, {
        limit: total,
      }),
    );
  };
  raw.on('data', count);
  let text = 0;
  try {
    for (let step = await Promise.race([first, overflow]); !step.done;) {
      const part = step.value;
      if (part.type === 'file') {
        const file = part as MultipartFile;
        const staging = stage(file.file);
        staging.catch(() => undefined);
        let staged: StagedFile;
        try {
          staged = await Promise.race([staging, overflow]);
        } catch (error) {
          file.file.destroy();
          throw error;
        }
        const incoming = { name: file.filename || 'unnamed', claimedType: file.mimetype, staged };
        if (file.file.truncated) {
          await discard([incoming]);
          throw tooLarge(
            `The file "${file.filename}" is larger than ${limits.fileSize} bytes; attachments are limited to ${limits.files} files of at most ${limits.fileSize} bytes each`,
            { field: 'attachments', limit: limits.fileSize },
          );
        }
        // A file input left empty still sends a part with no name and no bytes.
        if (file.filename === '' && staged.size === 0) await discard([incoming]);
        else files.push(incoming);
      } else {
        const field = part as MultipartValue;
        if ((field as { valueTruncated?: boolean }).valueTruncated) {
          throw tooLarge(
            `The field "${field.fieldname}" is larger than ${FORM_FIELD_MAX_BYTES} bytes, the most accepted`,
            { field: field.fieldname, limit: FORM_FIELD_MAX_BYTES },
          );
        }
        const value = String(field.value ?? '');
        text += Buffer.byteLength(value);
        if (text > FORM_BODY_LIMIT) {
          throw tooLarge(
            `The text of the form is larger than ${FORM_BODY_LIMIT} bytes in all (at the field "${field.fieldname}"), the most accepted`,
            { field: field.fieldname, limit: FORM_BODY_LIMIT },
          );
        }
        if (!(field.fieldname in values)) values[field.fieldname] = value;
      }
      step = await Promise.race([next(), overflow]);
    }
  } catch (error) {
    // Whatever is left of the body is read and thrown away, not parsed.
    raw.unpipe();
    raw.resume();
    await discard(files);
    throw error instanceof AppError ? error : limitError(error, limits);
  } finally {
    raw.off('data', count);
  }
  const unstorable = findUnstorableText(values);
  if (unstorable) {
    await discard(files);
    throw unstorableTextError(unstorable);
  }
  return { values, files };
}

const optional = (value: string | undefined) =>
  value === undefined || value === '' ? undefined : value;

/** The posted form as ReportFields, or field errors named after the form's own fields. */
export function formToReport(
  values: FormValues,
): { ok: true; fields: ReportFields } | { ok: false; errors: FieldError[] } {
  const candidate = {
    summary: values.summary ?? '',
    description: values.description ?? '',
    stepsToReproduce: optional(values.stepsToReproduce),
    impact: optional(values.impact),
    firstNoticed: optional(values.firstNoticed),
    affected: optional(values.affected),
    contact: {
      name: optional(values.contactName),
      email: optional(values.contactEmail),
      phone: optional(values.contactPhone),
      pgpKey: optional(values.contactPgpKey),
    },
    preferredLanguage: optional(values.preferredLanguage),
    publicUrl: optional(values.publicUrl),
    creditConsent: values.creditConsent === 'yes',
    creditName: optional(values.creditName),
    emergency: values.emergency === 'yes',
  };
  const result = ReportFields.safeParse(candidate);
  if (result.success) return { ok: true, fields: result.data };
  const errors = result.error.issues.map((issue) => {
    const [first, second] = issue.path.map(String);
    const field =
      first === 'contact' && second
        ? 'contact' + second[0]!.toUpperCase() + second.slice(1)
        : first!;
    // A whole sentence, so it reads right both in the summary and under the field.
    return { field, message: `${FORM_LABELS[field] ?? field} ${issue.message}` };
  });
  return { ok: false, errors };
}

function input(
  name: string,
  type: string,
  values: FormValues,
  errors: FieldError[],
  opts: { hint?: string; required?: boolean; autocomplete?: string } = {},
): SafeHtml {
  return inputField(
    { name, label: FORM_LABELS[name]!, type, value: values[name], ...opts },
    errors,
  );
}

function textarea(
  name: string,
  values: FormValues,
  errors: FieldError[],
  opts: { hint?: string; required?: boolean; rows?: number } = {},
): SafeHtml {
  return textareaField({ name, label: FORM_LABELS[name]!, value: values[name], ...opts }, errors);
}

export interface FormPageContext {
  acknowledgeWithin: string;
  /** The policy's time for an emergency report, in words (the policy's usual time when none). */
  emergencyAcknowledgeWithin: string;
  securityEmail?: string;
  maxFiles: number;
  maxFileBytes: number;
}

export function reportFormPage(
  ctx: FormPageContext,
  values: FormValues = {},
  errors: FieldError[] = [],
): string {
  const fileHelp = fieldHelp(
    'attachments',
    `Up to ${ctx.maxFiles} files, each at most ${Math.floor(ctx.maxFileBytes / 1024)} KiB. Screenshots, logs, proof-of-concept code.`,
    errors,
  );
  return page(
    {
      title: errors.length
        ? 'Error: Report a security vulnerability'
        : 'Report a security vulnerability',
    },
    markup`<h1>Report a security vulnerability</h1>
      ${errorSummary(errors)}
      <p>
        Tell us privately about a security problem. You do not need an account. After sending you
        get a report key and a secret access code to follow your report and talk with us. We
        acknowledge every report within
        ${ctx.acknowledgeWithin}.${
          ctx.securityEmail
            ? markup` You can also write to
                <a href="mailto:${ctx.securityEmail}">${ctx.securityEmail}</a>.`
            : ''
        }
      </p>
      <p>Please do not post the issue publicly until we have fixed it.</p>
      <form method="post" action="/report" enctype="multipart/form-data" novalidate>
        <fieldset>
          <legend>The issue</legend>
          ${input('summary', 'text', values, errors, { required: true, hint: 'One line: what is wrong, and where.' })}
          ${textarea('description', values, errors, { required: true, rows: 10, hint: 'What you found. Plain text; it is shown exactly as you write it.' })}
          ${textarea('stepsToReproduce', values, errors, { hint: 'How we can see it for ourselves, step by step.' })}
          ${textarea('impact', values, errors, { rows: 4, hint: 'What an attacker could do with it.' })}
          ${input('firstNoticed', 'text', values, errors, { hint: 'A date, or words such as "last week".' })}
          ${input('affected', 'text', values, errors, { hint: 'Product, version, or web address.' })}
          <label for="f-attachments">${FORM_LABELS.attachments} (optional)</label>
          ${fileHelp.before}<input
            type="file"
            id="f-attachments"
            name="attachments"
            multiple${fileHelp.attrs}
          />
          ${input('publicUrl', 'url', values, errors, { hint: 'If you already posted this somewhere public, where. We will ask for it to be taken down first.' })}
        </fieldset>
        <fieldset>
          <legend>How to reach you</legend>
          <p class="hint">
            All optional. Without an e-mail address we can only reach you through the report page.
          </p>
          ${input('contactName', 'text', values, errors, { autocomplete: 'name' })}
          ${input('contactEmail', 'email', values, errors, { autocomplete: 'email' })}
          ${input('contactPhone', 'tel', values, errors, { autocomplete: 'tel' })}
          ${textarea('contactPgpKey', values, errors, { rows: 4, hint: 'Paste an ASCII-armoured public key if you want encrypted e-mail.' })}
          ${input('preferredLanguage', 'text', values, errors, { hint: 'A language tag, such as en or de.' })}
        </fieldset>
        <fieldset>
          <legend>Emergency</legend>
          <div>
            <input
              type="checkbox"
              id="f-emergency"
              name="emergency"
              value="yes"
              aria-describedby="f-emergency-hint"
              ${values.emergency === 'yes' ? markup` checked` : ''}
            />
            <label for="f-emergency" class="inline"
              >This is critical or an emergency: it is being exploited, already public, or data is
              leaking now</label
            >
          </div>
          <p class="hint" id="f-emergency-hint">
            We answer emergencies within ${ctx.emergencyAcknowledgeWithin}, day and night.
          </p>
        </fieldset>
        <fieldset>
          <legend>Credit</legend>
          <div>
            <input
              type="checkbox"
              id="f-creditConsent"
              name="creditConsent"
              value="yes"
              ${values.creditConsent === 'yes' ? markup` checked` : ''}
            />
            <label for="f-creditConsent" class="inline"
              >Thank me publicly once the issue is fixed</label
            >
          </div>
          ${input('creditName', 'text', values, errors, { hint: 'The name to show on our thanks page.' })}
        </fieldset>
        <div class="trap" aria-hidden="true">
          <label for="f-website">Leave this field empty</label>
          <input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off" />
        </div>
        <button type="submit">Send the report</button>
      </form>`,
  );
}
