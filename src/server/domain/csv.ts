// CSV for exports people open in spreadsheets: RFC 4180 quoting, CRLF lines, and cells a
// spreadsheet would run as a formula (=, +, -, @, tab, CR) prefixed with a quote, because exported
// text includes what outsiders wrote.

export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, each cell made inert. */
export function csvTable(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
