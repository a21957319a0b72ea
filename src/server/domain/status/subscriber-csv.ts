// Subscribers of the status page as a CSV file, both ways (issue 13, item 8). Reading: the file
// an admin imports (from another status page, a spreadsheet) is checked whole, and every line
// that cannot be imported is named with its reason, so nothing is imported until the file is
// right; an address that appears twice is refused on its second line. Writing: one line per
// subscriber, every cell a spreadsheet would run as a formula made inert (csv.ts). Parsing is
// the csv-parse library's (RFC 4180: quoted cells hold commas, quotes and line breaks). Pure.
import { z } from 'zod';
import { AppError, type FieldError } from '../../errors.ts';
import { CsvSyntaxError, csvTable, readCsvRecords } from '../csv.ts';
import type { StatusSubscriber } from './subscriber-repository.ts';
import { addressKey } from './subscriber-rules.ts';
import type { StatusComponent } from './status-state.ts';

/** At most this many subscribers in one file. */
export const MAX_IMPORT_ROWS = 10_000;

export const SUBSCRIBER_CSV_HEADER = [
  'email',
  'components',
  'confirmed',
  'confirmed_at',
  'subscribed_at',
] as const;

export interface ImportedSubscriber {
  /** The line of the file the row starts on (1 is the header). */
  line: number;
  email: string;
  /** null: every component. */
  componentIds: string[] | null;
}

const Address = z.email().max(254);
/** What our export made inert (a leading ' before a formula character) is read back as written. */
const uninert = (cell: string) => (/^'[=+\-@\t\r]/.test(cell) ? cell.slice(1) : cell);

function refuse(message: string, errors: FieldError[]): never {
  throw new AppError('VALIDATION', message, { errors });
}

/**
 * The subscribers a CSV file holds: a header line with an `email` column and, if wanted, a
 * `components` column (component names or ids, separated by ";"; empty: every component). Other
 * columns (such as the export's `confirmed`) are ignored. Refused whole (400), naming each line
 * and column, when any line is wrong.
 */
export function readSubscriberCsv(
  bytes: Uint8Array,
  components: readonly StatusComponent[],
): ImportedSubscriber[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    refuse('The file is not UTF-8 text', [{ field: 'file', message: 'must be UTF-8 text' }]);
  }
  let rows: { cells: string[]; line: number }[];
  try {
    rows = readCsvRecords(text, { trim: true });
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    refuse('The file is not valid CSV', [{ field: `line.${error.line}`, message: error.message }]);
  }
  const header = (rows.shift()?.cells ?? []).map((h) => h.toLowerCase());
  const emailAt = header.findIndex((h) => h === 'email' || h === 'e-mail');
  const componentsAt = header.indexOf('components');
  if (emailAt < 0) {
    refuse('The file needs a header line with an email column', [
      { field: 'line.1', message: 'needs an "email" column' },
    ]);
  }
  if (rows.length > MAX_IMPORT_ROWS) {
    refuse(`At most ${MAX_IMPORT_ROWS} subscribers in one file`, [
      { field: 'file', message: `has ${rows.length} lines of subscribers` },
    ]);
  }
  const byKey = new Map<string, string>();
  for (const c of components) {
    byKey.set(c.id, c.id);
    byKey.set(c.name.trim().toLowerCase(), c.id);
  }
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  const imported: ImportedSubscriber[] = [];
  for (const { cells: record, line } of rows) {
    const email = record[emailAt] ?? '';
    const at = (column: string, message: string) =>
      errors.push({ field: `line.${line}.${column}`, message });
    if (!Address.safeParse(email).success) {
      at(
        'email',
        email === '' ? 'is missing' : `"${email.slice(0, 100)}" is not an e-mail address`,
      );
      continue;
    }
    const earlier = seen.get(addressKey(email));
    if (earlier !== undefined) {
      at('email', `${email} is already on line ${earlier}`);
      continue;
    }
    seen.set(addressKey(email), line);
    const names = (componentsAt < 0 ? '' : uninert(record[componentsAt] ?? ''))
      .split(';')
      .map((n) => n.trim())
      .filter((n) => n !== '');
    const ids = names.map((n) => byKey.get(n) ?? byKey.get(n.toLowerCase()));
    const unknown = names.filter((_, i) => ids[i] === undefined);
    if (unknown.length > 0) {
      at(
        'components',
        `no component named ${unknown.map((n) => `"${n.slice(0, 100)}"`).join(', ')}`,
      );
      continue;
    }
    imported.push({
      line,
      email,
      componentIds: ids.length === 0 ? null : [...new Set(ids as string[])],
    });
  }
  if (errors.length > 0) {
    refuse(`${errors.length} line(s) of the file cannot be imported; nothing was imported`, errors);
  }
  return imported;
}

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());

/** Every subscriber as a line: the components they follow by name (empty: every one). */
export function writeSubscriberCsv(
  subscribers: readonly StatusSubscriber[],
  components: readonly StatusComponent[],
): string {
  const nameOf = new Map(components.map((c) => [c.id, c.name]));
  return csvTable(
    SUBSCRIBER_CSV_HEADER,
    subscribers.map((s) => [
      s.email,
      (s.componentIds ?? []).map((id) => nameOf.get(id) ?? id).join('; '),
      s.confirmedAt === null ? 'no' : 'yes',
      iso(s.confirmedAt),
      iso(s.createdAt),
    ]),
  );
}
