// The public report form: its fields, how a posted form (urlencoded or multipart) becomes the
// same ReportFields the JSON API takes, and the page itself with errors tied to their fields.
import type { FastifyRequest } from 'fastify';
import type { MultipartFile, MultipartValue } from '@fastify/multipart';
import { ReportFields } from '../../../shared/api/reports.ts';
import { AppError, type FieldError } from '../../errors.ts';
import type { IncomingFile } from '../../domain/reports/index.ts';
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
};

export type FormValues = Record<string, string>;

export interface ParsedForm {
  values: FormValues;
  files: IncomingFile[];
}

/** Reads a urlencoded or multipart body; multipart files are read with the configured limits. */
export async function readForm(
  request: FastifyRequest,
  limits: { fileSize: number; files: number },
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
  try {
    const parts = request.parts({
      // Keep the file name exactly as sent (busboy would cut it at the last slash).
      preservePath: true,
      limits: {
        fileSize: limits.fileSize,
        files: limits.files,
        fields: 40,
        fieldSize: 2 * 1024 * 1024,
        parts: 40 + limits.files,
      },
    });
    for await (const part of parts) {
      if (part.type === 'file') {
        const file = part as MultipartFile;
        const bytes = await file.toBuffer();
        // A file input left empty still sends a part with no name and no bytes.
        if (file.filename === '' && bytes.length === 0) continue;
        files.push({ name: file.filename || 'unnamed', claimedType: file.mimetype, bytes });
      } else {
        const field = part as MultipartValue;
        if ((field as { valueTruncated?: boolean }).valueTruncated) {
          throw new AppError('PAYLOAD_TOO_LARGE', `The field "${field.fieldname}" is too long`);
        }
        if (!(field.fieldname in values)) values[field.fieldname] = String(field.value ?? '');
      }
    }
  } catch (error) {
    const e = error as { statusCode?: number; code?: string };
    if (
      e.statusCode === 413 ||
      e.code === 'FST_REQ_FILE_TOO_LARGE' ||
      e.code === 'FST_FILES_LIMIT'
    ) {
      throw new AppError(
        'PAYLOAD_TOO_LARGE',
        `Attachments are limited to ${limits.files} files of at most ${limits.fileSize} bytes each`,
        { limit: limits.fileSize, maxFiles: limits.files },
      );
    }
    throw error;
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
