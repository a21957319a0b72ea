// Durations as people say them in a promise: "24 hours", "15 minutes", "3 days".
const UNITS = [
  { ms: 7 * 86_400_000, one: 'week', many: 'weeks', min: 2 },
  { ms: 86_400_000, one: 'day', many: 'days', min: 2 },
  { ms: 3_600_000, one: 'hour', many: 'hours', min: 1 },
  { ms: 60_000, one: 'minute', many: 'minutes', min: 1 },
  { ms: 1_000, one: 'second', many: 'seconds', min: 0 },
] as const;

/** 86400000 -> "24 hours" (a day is said in hours up to 2 days), 900000 -> "15 minutes". */
export function durationInWords(ms: number): string {
  for (const unit of UNITS) {
    const n = ms / unit.ms;
    if (Number.isInteger(n) && n >= unit.min && n > 0)
      return `${n} ${n === 1 ? unit.one : unit.many}`;
  }
  return `${Math.round(ms / 1000)} seconds`;
}

/** Time left as days and hours, rounded down: "12 days 5 hours", "1 day", "less than an hour". */
export function countdownInWords(ms: number): string {
  if (ms < 3_600_000) return ms <= 0 ? 'no time' : 'less than an hour';
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const part = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  return [days > 0 ? part(days, 'day', 'days') : '', hours > 0 ? part(hours, 'hour', 'hours') : '']
    .filter(Boolean)
    .join(' ');
}
