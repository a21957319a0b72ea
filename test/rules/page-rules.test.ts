// Pages (issue 21, item 3): who may acknowledge a page and when, and how an unacknowledged page
// climbs the policy's levels. Pure rules: the time comes in.
import { describe, expect, it } from 'vitest';
import {
  ACK_LINK_VALID_MS,
  acknowledgeRefusal,
  firstEscalationAt,
  nextLevel,
  type Page,
} from '../../src/server/domain/notifications/page-rules.ts';

const T0 = Date.parse('2026-03-02T03:00:00Z');
const MIN = 60_000;

const page = (over: Partial<Page> = {}): Page => ({
  id: 'p1',
  kind: 'report_received',
  about: { type: 'report', key: 'RPT-0001', title: 'x', restricted: false },
  headline: 'Emergency security report',
  lines: [],
  levels: ['security_lead', 'admin'],
  escalateAfterMs: 10 * MIN,
  level: 0,
  nextEscalationAt: T0 + 10 * MIN,
  acknowledgedBy: null,
  acknowledgedAt: null,
  createdAt: T0,
  ...over,
});
const me = { pageId: 'p1', userId: 'u1', level: 0, pagedAt: T0 };
const nobodyEmpty = () => false;

describe('acknowledging a page', () => {
  it('is for a person it reached, once, by a link younger than a day', () => {
    expect(acknowledgeRefusal(page(), me, 'link', T0 + MIN)).toBeNull();
    expect(acknowledgeRefusal(page(), null, 'console', T0)?.code).toBe('FORBIDDEN');
    expect(acknowledgeRefusal(page({ acknowledgedAt: T0 }), me, 'console', T0)?.code).toBe(
      'CONFLICT',
    );
    const late = T0 + ACK_LINK_VALID_MS + 1;
    expect(acknowledgeRefusal(page(), me, 'link', late)?.code).toBe('RULE_REFUSED');
    expect(acknowledgeRefusal(page(), me, 'console', late)).toBeNull();
  });
});

describe('climbing the ladder', () => {
  it('waits for the delay, then pages one level at a time, and stops after the last', () => {
    expect(firstEscalationAt(['security_lead'], 10 * MIN, T0)).toBe(T0 + 10 * MIN);
    expect(firstEscalationAt([], 10 * MIN, T0)).toBeNull();
    expect(nextLevel(page(), T0 + 9 * MIN, nobodyEmpty)).toBeNull();
    expect(nextLevel(page(), T0 + 10 * MIN, nobodyEmpty)).toEqual({
      level: 1,
      role: 'security_lead',
      nextAt: T0 + 20 * MIN,
    });
    expect(nextLevel(page({ level: 1 }), T0 + 20 * MIN, nobodyEmpty)).toEqual({
      level: 2,
      role: 'admin',
      nextAt: null,
    });
  });

  it('passes over a level with nobody left to page, and never climbs once acknowledged', () => {
    const noLeads = (role: string) => role === 'security_lead';
    expect(nextLevel(page(), T0 + 10 * MIN, noLeads)).toEqual({
      level: 2,
      role: 'admin',
      nextAt: null,
    });
    expect(nextLevel(page(), T0 + 10 * MIN, () => true)).toEqual({
      level: 2,
      role: null,
      nextAt: null,
    });
    expect(
      nextLevel(
        page({ acknowledgedAt: T0 + MIN, nextEscalationAt: null }),
        T0 + 60 * MIN,
        nobodyEmpty,
      ),
    ).toBeNull();
  });
});
