// The retry and routing rules, read like the policy.
import { describe, expect, it } from 'vitest';
import {
  nextAttemptAt,
  reachableChannels,
  retryDelay,
  routeNotice,
  type Preferences,
  type UserChannel,
} from '../../src/server/domain/notifications/index.ts';
import { bypassesQuietHours, loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import {
  BUNDLED_POLICY,
  DEFAULT_POLICY_TEXT,
  SEV_EXAMPLE,
  writeEditedPolicy,
} from '../helpers/policies.ts';

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
    slackMemberId: null,
  };
  const byEmail = { reachable: ['email'] as UserChannel[] };

  it('a reminder that may wait, at 23:30 Berlin time, waits until 07:00 Berlin time', () => {
    const route = routeNotice(nightOwl, 'deadline_reminder', {
      urgent: false,
      at: at('2026-03-02T22:30:00Z'),
      ...byEmail,
    });
    expect(route).toEqual({ channels: ['email'], notBefore: at('2026-03-03T06:00:00Z') });
  });

  it('an urgent escalation at 23:30 goes at once: the policy says it cannot wait', () => {
    const now = at('2026-03-02T22:30:00Z');
    expect(
      routeNotice(nightOwl, 'deadline_escalation', { urgent: true, at: now, ...byEmail }),
    ).toEqual({ channels: ['email'], notBefore: now });
  });

  it('the line stopping reaches every channel at once, whatever the preferences', () => {
    const now = at('2026-03-02T22:30:00Z');
    const silent: Preferences = { ...nightOwl, channels: { line_stopped: [] } };
    expect(
      routeNotice(silent, 'line_stopped', {
        urgent: false,
        at: now,
        reachable: ['email', 'slack'],
      }),
    ).toEqual({ channels: ['email', 'slack'], notBefore: now });
  });

  it('a kind turned off reaches no channel; outside quiet hours a notice goes at once', () => {
    const noon = at('2026-03-02T11:00:00Z');
    const off = routeNotice(nightOwl, 'report_received', { urgent: false, at: noon, ...byEmail });
    expect(off.channels).toEqual([]);
    expect(
      routeNotice(nightOwl, 'deadline_reminder', { urgent: false, at: noon, ...byEmail }),
    ).toEqual({ channels: ['email'], notBefore: noon });
  });

  it('Slack-only escalations go to Slack when Slack can reach them, else by e-mail', () => {
    const slacker: Preferences = {
      channels: { deadline_escalation: ['slack'] },
      quietHours: null,
      slackMemberId: 'U024BE7LH',
    };
    const noon = at('2026-03-02T11:00:00Z');
    const withEndpoint = reachableChannels(slacker, true);
    expect(withEndpoint).toEqual(['email', 'slack']);
    expect(
      routeNotice(slacker, 'deadline_escalation', {
        urgent: false,
        at: noon,
        reachable: withEndpoint,
      }).channels,
    ).toEqual(['slack']);
    // No Slack endpoint carries user.notice: nothing would reach them, so e-mail does.
    expect(
      routeNotice(slacker, 'deadline_escalation', {
        urgent: false,
        at: noon,
        reachable: reachableChannels(slacker, false),
      }).channels,
    ).toEqual(['email']);
    // A kind left out of their choices goes on every channel that reaches them.
    expect(
      routeNotice(slacker, 'deadline_reminder', {
        urgent: false,
        at: noon,
        reachable: withEndpoint,
      }).channels,
    ).toEqual(['email', 'slack']);
  });

  it('a call only for what cannot wait; a text whenever chosen; voice alone falls back to e-mail', () => {
    const sleeper: Preferences = {
      channels: { deadline_reminder: ['voice'], panel_vote: ['sms', 'voice'] },
      quietHours: null,
      slackMemberId: null,
      phone: '+4915112345678',
    };
    const reachable = reachableChannels(sleeper, false);
    expect(reachable).toEqual(['email', 'sms', 'voice']);
    const route = (kind: 'deadline_reminder' | 'panel_vote' | 'report_received', urgent: boolean) =>
      routeNotice(sleeper, kind, { urgent, at: at('2026-03-02T11:00:00Z'), reachable }).channels;
    expect(route('panel_vote', true)).toEqual(['sms', 'voice']);
    expect(route('panel_vote', false)).toEqual(['sms']);
    expect(route('deadline_reminder', false)).toEqual(['email']);
    expect(route('report_received', false)).toEqual(['email', 'sms']);
    expect(route('report_received', true)).toEqual(['email', 'sms', 'voice']);
    expect(reachableChannels({ ...sleeper, phone: null }, false)).toEqual(['email']);
  });
});

describe('which severities bypass quiet hours: the policy says', () => {
  it('SEV1 to SEV4: SEV1 and SEV2 bypass them (bypassQuietHours: true), SEV3 and SEV4 do not', () => {
    const { policy } = loadPolicyFile(SEV_EXAMPLE);
    expect(['SEV1', 'SEV2', 'SEV3', 'SEV4'].map((s) => [s, bypassesQuietHours(policy, s)])).toEqual(
      [
        ['SEV1', true],
        ['SEV2', true],
        ['SEV3', false],
        ['SEV4', false],
      ],
    );
  });

  it('left out, only the first (most severe) severity bypasses them: P0 in the default', () => {
    const { policy } = loadPolicyFile(BUNDLED_POLICY);
    expect(DEFAULT_POLICY_TEXT).not.toContain('bypassQuietHours');
    expect(['P0', 'P1', 'P2'].map((s) => bypassesQuietHours(policy, s))).toEqual([
      true,
      false,
      false,
    ]);
    // An incident without a severity yet, or one the policy does not know, may wait.
    expect(bypassesQuietHours(policy, null)).toBe(false);
    expect(bypassesQuietHours(policy, 'SEV1')).toBe(false);
  });

  it('a policy may say false for its first severity too', () => {
    const path = writeEditedPolicy(
      '    responseWithin: 15m\n',
      '    responseWithin: 15m\n    bypassQuietHours: false\n',
    );
    expect(bypassesQuietHours(loadPolicyFile(path).policy, 'P0')).toBe(false);
  });
});
