// One way to show a time in the JSON API: RFC 3339 in UTC with milliseconds
// (2026-11-25T10:00:00.000Z). The server keeps epoch milliseconds; answers convert here.
export function presentTime(ms: number): string;
export function presentTime(ms: number | null): string | null;
export function presentTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
