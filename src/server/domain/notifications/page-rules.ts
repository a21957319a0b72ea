// Pages: an urgent notice climbs the policy's ladder until someone acknowledges it. Pure
// decisions: who may acknowledge a page and when, and what the next step of an unacknowledged
// page is. No I/O, no clock: the time comes in.
import type { StaffNotice } from './staff-notices.ts';

/** An acknowledge link works this long after it was sent; the console works after that. */
export const ACK_LINK_VALID_MS = 24 * 60 * 60_000;

export interface Page {
  id: string;
  kind: StaffNotice['kind'];
  about: StaffNotice['about'];
  headline: string;
  lines: readonly string[];
  /** The roles of the levels above the first (level 1 is levels[0]). */
  levels: readonly string[];
  escalateAfterMs: number;
  /** The level paged last: 0 for the people first told. */
  level: number;
  nextEscalationAt: number | null;
  acknowledgedBy: string | null;
  acknowledgedAt: number | null;
  createdAt: number;
}

export interface PageRecipient {
  pageId: string;
  userId: string;
  level: number;
  pagedAt: number;
}

export interface Refusal {
  code: 'FORBIDDEN' | 'CONFLICT' | 'RULE_REFUSED';
  message: string;
}

/**
 * Why this acknowledgment is refused, or null: only a person the page reached may acknowledge
 * it, once; a link lapses a day after it was sent (the console still acknowledges).
 */
export function acknowledgeRefusal(
  page: Page,
  recipient: PageRecipient | null,
  via: 'link' | 'console',
  now: number,
): Refusal | null {
  if (recipient === null) {
    return { code: 'FORBIDDEN', message: 'Only a person this page reached may acknowledge it' };
  }
  if (page.acknowledgedAt !== null) {
    return {
      code: 'CONFLICT',
      message: `This page was already acknowledged at ${new Date(page.acknowledgedAt).toISOString()}`,
    };
  }
  if (via === 'link' && now - recipient.pagedAt > ACK_LINK_VALID_MS) {
    return {
      code: 'RULE_REFUSED',
      message:
        'This acknowledge link has expired (links work for 24 hours); acknowledge the page in the console',
    };
  }
  return null;
}

/** The first escalation of a page just sent: after the policy's delay, if a level is left. */
export function firstEscalationAt(levels: readonly string[], afterMs: number, now: number) {
  return levels.length > 0 ? now + afterMs : null;
}

/**
 * The next level of an unacknowledged page that is due at `now`: its number, its role and when
 * the one after it is due; null when nothing is due (acknowledged, not yet, or no level left).
 * `empty` says which roles have nobody to page: those levels are passed over at once, and with
 * none left the role is null (the page stops climbing).
 */
export function nextLevel(
  page: Page,
  now: number,
  empty: (role: string) => boolean,
): { level: number; role: string | null; nextAt: number | null } | null {
  if (page.acknowledgedAt !== null || page.nextEscalationAt === null) return null;
  if (page.nextEscalationAt > now) return null;
  for (let level = page.level + 1; level <= page.levels.length; level++) {
    const role = page.levels[level - 1]!;
    if (empty(role)) continue;
    const nextAt = level < page.levels.length ? now + page.escalateAfterMs : null;
    return { level, role, nextAt };
  }
  return { level: page.levels.length, role: null, nextAt: null };
}
