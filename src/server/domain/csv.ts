// CSV for exports people open in spreadsheets: RFC 4180 quoting, CRLF lines, and cells a
// spreadsheet would run as a formula (=, +, -, @, tab, CR) prefixed with a quote, because exported
// text includes what outsiders wrote. Reading CSV is the csv-parse library's (RFC 4180: quoted
// cells hold commas, quotes and line breaks); `readCsvRecords` adds each record's first line.
import { parse } from 'csv-parse/sync';

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, each cell made inert. */
export function csvTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** A file's syntax is not CSV (an unclosed quote): the line where the reader gave up. */
export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

/**
 * The records of CSV text (a leading BOM dropped, blank lines skipped, rows of any length), each
 * with the line it starts on: a quoted cell may hold line breaks. `trim` trims every cell; `relaxQuotes` keeps a quote inside an unquoted cell as text.
 */
export function readCsvRecords(
  text: string,
  options: { trim?: boolean; relaxQuotes?: boolean } = {},
): { cells: string[]; line: number }[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      relax_quotes: options.relaxQuotes ?? false,
      trim: options.trim ?? false,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    throw new CsvSyntaxError((error as Error).message, (error as { lines?: number }).lines ?? 1);
  }
  // info.lines is the line a record ends on.
  return rows.map(({ record, info }) => ({
    cells: record,
    line: info.lines - record.join('').split('\n').length + 1,
  }));
}
