// The retry and routing rules, read like the policy.
import { describe, expect, it } from 'vitest';
import {
  nextAttemptAt,
  retryDelay,
  routeNotice,
  type Preferences,
} from '../../src/server/domain/notifications/index.ts';

const policy = { maxAttempts: 5, baseDelayMs: 30_000, maxDelayMs: 600_000 };
const at = (iso: string) => new Date(iso).getTime();

describe('retries', () => {
  it('wait 30 s, then 1, 2, 4 minutes: each failure doubles the wait', () => {
    expect([1, 2, 3, 4].map((n) => retryDelay(n, policy))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
  });

  it('never wait longer than the cap', () => {
    expect(retryDelay(20, policy)).toBe(600_000);
    expect(retryDelay(1000, policy)).toBe(600_000);
  });

  it('after the fifth failed attempt the message is a dead letter', () => {
    expect(nextAttemptAt(4, 1000, policy)).toBe(1000 + 240_000);
    expect(nextAttemptAt(5, 1000, policy)).toBeNull();
  });
});

describe('routing a notice to a person', () => {
  const nightOwl: Preferences = {
    channels: { report_received: [] },
    quietHours: { startMinute: 22 * 60, endMinute: 7 * 60, timeZone: 'Europe/Berlin' },
  };

  it('a P2 reminder at 23:30 Berlin time waits until 07:00 Berlin time', () => {
    const route = routeNotice(nightOwl, 'deadline_reminder', {
      severity: 'P2',
      at: at('2026-03-02T22:30:00Z'),
    });
    expect(route).toEqual({ channels: ['email'], notBefore: at('2026-03-03T06:00:00Z') });
  });

  it('a P0 escalation at 23:30 goes at once: quiet hours are ignored for P0', () => {
    const now = at('2026-03-02T22:30:00Z');
    expect(routeNotice(nightOwl, 'deadline_escalation', { severity: 'P0', at: now })).toEqual({
      channels: ['email'],
      notBefore: now,
    });
  });

  it('the line stopping reaches every channel at once, whatever the preferences', () => {
    const now = at('2026-03-02T22:30:00Z');
    const silent: Preferences = { ...nightOwl, channels: { line_stopped: [] } };
    expect(routeNotice(silent, 'line_stopped', { severity: 'P2', at: now })).toEqual({
      channels: ['email'],
      notBefore: now,
    });
  });

  it('a kind turned off reaches no channel; outside quiet hours a notice goes at once', () => {
    const noon = at('2026-03-02T11:00:00Z');
    expect(routeNotice(nightOwl, 'report_received', { severity: null, at: noon }).channels).toEqual(
      [],
    );
    expect(routeNotice(nightOwl, 'deadline_reminder', { severity: 'P3', at: noon })).toEqual({
      channels: ['email'],
      notBefore: noon,
    });
  });
});
