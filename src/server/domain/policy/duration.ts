// Durations in policy files are written the way people say them: "15m", "1h", "4h", "72h", "2d".
import { z } from 'zod';
const UNITS: Record<string, number> = {
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

export const DURATION_PATTERN = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/;

/** Milliseconds for "90m", "1.5h", "2d"; null when the text is not a duration. */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (!match) return null;
  return Math.round(Number(match[1]) * UNITS[match[2]!]!);
}

/** The shortest exact spelling: 900000 -> "15m", 5400000 -> "90m", 86400000 -> "1d". */
export function formatDuration(ms: number): string {
  for (const unit of ['w', 'd', 'h', 'm', 's'] as const) {
    const size = UNITS[unit]!;
    if (ms % size === 0 && ms >= size) return `${ms / size}${unit}`;
  }
  return `${ms / 1000}s`;
}

/** A policy field holding a duration, read as milliseconds. */
export const Duration = z
  .string({ error: 'must be a duration such as "15m", "4h" or "3d"' })
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null || ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be a duration such as "15m", "4h" or "3d"' });
      return z.NEVER;
    }
    return ms;
  });
