// Times and durations in words, the same everywhere in the console. Times come from the API as
// RFC 3339 strings; every absolute time is shown in the browser's time zone with the zone named.
export type TimeValue = string | number;

export function toMs(value: TimeValue): number {
  return typeof value === 'number' ? value : Date.parse(value);
}

// (dateStyle/timeStyle cannot be combined with timeZoneName.)
const absolute = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

export function formatTime(value: TimeValue): string {
  return absolute.format(new Date(toMs(value)));
}

/** "3 h 12 min", "45 s": the largest two units. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const s = Math.floor(abs / 1000);
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d > 0) return h > 0 ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return `${m} min`;
  return `${s % 60} s`;
}

/** "in 12 min" or "12 min overdue". */
export function formatRelative(due: TimeValue, now: number): string {
  const left = toMs(due) - now;
  return left >= 0 ? `in ${formatDuration(left)}` : `${formatDuration(left)} overdue`;
}

export function humanize(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A property name in words: "tokenId" → "token id", "mfa_reset" → "mfa reset". */
export function keyWords(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .toLowerCase();
}

const ACRONYMS = new Set(['cve', 'cvss', 'csv', 'id', 'ip', 'pgp', 'smtp', 'url']);

/**
 * A field the server names (`body.contacts.1.email`, `slackMemberId`, `line.3.email`) as people
 * read it: "Contacts #2 email" (list positions counted from 1), "Slack member ID", "Line 3 email"
 * (a file's line number as it is).
 */
export function fieldWords(field: string): string {
  const parts = field.replace(/^body\./, '').split('.');
  const words = parts
    .map((part, i) => {
      if (!/^\d+$/.test(part)) return keyWords(part);
      return parts[i - 1] === 'line' ? part : `#${Number(part) + 1}`;
    })
    .join(' ')
    .split(' ')
    .map((word) => (ACRONYMS.has(word) ? word.toUpperCase() : word))
    .join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** An RFC 3339 time as a datetime-local value in the browser's zone (to the minute); '' if none. */
export function rfc3339ToLocal(value: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return '';
  return new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
}

/** A datetime-local value (the browser's zone) as an RFC 3339 instant, or null when empty. */
export function localToRfc3339(value: string): string | null {
  if (!value) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

const units = ['bytes', 'KiB', 'MiB', 'GiB'];
/** A size in bytes as people read it (1.5 MiB). */
export function formatBytes(size: number): string {
  let value = size;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${size} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
