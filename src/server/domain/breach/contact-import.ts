// Reading an imported contact list (CSV) of the people a breach notice goes to. The file is
// written by people outside the team's control and may hold anything: cells are kept as given
// (a formula stays text, a script stays text; exports and the console make them inert), bytes
// that are not UTF-8 become U+FFFD and their lines are named, and a line that cannot be
// e-mailed is refused with its reason; a file that is not CSV (an unclosed quote) is refused whole,
// naming the line. Pure: no I/O.
import { AppError } from '../../errors.ts';
import { CsvSyntaxError, readCsvRecords } from '../csv.ts';

export interface ImportedContact {
  /** The line of the file (1 is the header). */
  line: number;
  name: string;
  email: string;
  /** The other columns, by header. */
  fields: Record<string, string>;
}

export interface ContactImport {
  contacts: ImportedContact[];
  refused: { line: number; reason: string }[];
  /** Lines that held bytes that are not UTF-8 (kept, with U+FFFD in their place). */
  brokenEncodingLines: number[];
  /** The header as given. */
  header: string[];
}

export const MAX_CONTACTS = 50_000;

const EMAIL = /^[^\s@<>",;()[\]\\]+@[^\s@<>",;()[\]\\]+\.[^\s@<>",;()[\]\\]+$/;

export function readContactCsv(bytes: Uint8Array): ContactImport {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes).replace(/^\uFEFF/, '');
  let rows: { cells: string[]; line: number }[];
  try {
    // Blank lines and lines of empty cells hold nobody.
    rows = readCsvRecords(text, { relaxQuotes: true }).filter((r) =>
      r.cells.some((x) => x.trim() !== ''),
    );
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    throw new AppError('VALIDATION', 'The file is not valid CSV', {
      errors: [{ field: 'file', message: `line ${error.line}: ${error.message}` }],
    });
  }
  const headerRow = rows.shift();
  const header = (headerRow?.cells ?? []).map((h) => h.trim());
  const lower = header.map((h) => h.toLowerCase());
  const emailAt = lower.findIndex((h) => h === 'email' || h === 'e-mail');
  const nameAt = lower.indexOf('name');
  const result: ContactImport = { contacts: [], refused: [], brokenEncodingLines: [], header };
  if (emailAt < 0) return result;
  const seen = new Set<string>();
  for (const row of rows) {
    if (row.cells.some((c) => c.includes('\uFFFD'))) result.brokenEncodingLines.push(row.line);
    const email = (row.cells[emailAt] ?? '').trim();
    const refuse = (reason: string) => result.refused.push({ line: row.line, reason });
    if (!EMAIL.test(email) || email.length > 254) {
      refuse('the e-mail address is missing or not an address');
      continue;
    }
    if (seen.has(email.toLowerCase())) {
      refuse(`${email} is already on an earlier line`);
      continue;
    }
    if (result.contacts.length >= MAX_CONTACTS) {
      refuse(`more than ${MAX_CONTACTS} people in one file`);
      continue;
    }
    seen.add(email.toLowerCase());
    const fields: Record<string, string> = {};
    header.forEach((h, i) => {
      if (i !== emailAt && i !== nameAt && h !== '') fields[h] = row.cells[i] ?? '';
    });
    const name = nameAt < 0 ? '' : (row.cells[nameAt] ?? '').trim();
    result.contacts.push({ line: row.line, name, email, fields });
  }
  return result;
}
