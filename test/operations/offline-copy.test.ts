// The offline copy (issue 19, item 6): the policy, its runbooks and the on-call contact tree as one
// static HTML file, for when Stopline itself is down. Who may download it (it holds contact
// details), what it holds and leaves out (exercises, restricted incidents), hostile names escaped,
// its ETag following its content, `stopline offline FILE`, and the folder housekeeping refreshes.
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { OFFLINE_COPY_FILE, refreshOfflineCopy } from '../../src/server/domain/continuity/index.ts';
import { loginAs } from '../helpers/auth.ts';
import { runCli } from '../helpers/cli-process.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const URL = '/api/v1/continuity/offline-copy';
const HOSTILE = '<img src=x onerror=alert(1)>';
const HOSTILE_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let policyFile: string;
let lead: Who;
let ana: { id: string };

beforeAll(async () => {
  policyFile = writeEditedPolicy(
    '  procedures: []',
    `  procedures:
    - id: payments-manual
      title: 'Take card payments by phone </title><script>alert(2)</script>'
      covers: [Payments]
      steps:
        - Switch the checkout banner to "call us to order".
        - 'Take orders on the paper form & file them <b>daily</b>.'
      stakeholders: [Head of support]`,
  );
  t = await createTestApp({ env: { STOPLINE_POLICY: policyFile } });
  t.clock.set('2026-03-02T09:00:00Z');
  lead = await loginAs(t, 'security_lead');
  const { users } = t.container.services.accounts;
  ana = (
    await users.createUser(systemActor, {
      email: 'ana@example.org',
      displayName: `Ana ${HOSTILE}`,
      roles: ['responder'],
      contacts: [
        { kind: 'phone', value: '+49 30 1234567' },
        { kind: 'signal', value: '"><script>alert(3)</script>' },
      ],
    })
  ).user;
  const schedule = await t.app.inject({
    method: 'POST',
    url: '/api/v1/on-call/schedules',
    headers: lead.headers,
    payload: {
      name: 'Security on call',
      rotation: {
        timeZone: 'Europe/Berlin',
        startsOn: '2026-03-02',
        shifts: [{ start: '09:00', length: '1w' }],
        members: [ana.id],
      },
    },
  });
  expect(schedule.statusCode, schedule.body).toBe(201);
  const open = (payload: object) =>
    t.app.inject({ method: 'POST', url: '/api/v1/incidents', headers: lead.headers, payload });
  expect((await open({ title: 'Real: card skimming on checkout' })).statusCode).toBe(201);
  expect(
    (
      await open({
        title: 'EXERCISE-ONLY ransomware drill',
        exercise: { kind: 'tabletop', scenario: 'EXERCISE-SCENARIO-TEXT' },
      })
    ).statusCode,
  ).toBe(201);
  expect((await open({ title: 'Restricted: insider case', restricted: true })).statusCode).toBe(
    201,
  );
});
afterAll(async () => t.close());

const download = (headers: Record<string, string>) =>
  t.app.inject({ method: 'GET', url: URL, headers });

describe('who may download the offline copy', () => {
  it('those who respond (admin, security lead, responder); 403 naming the permission for the others; 401 signed out', async () => {
    for (const role of ['admin', 'security_lead', 'responder']) {
      const res = await download((await loginAs(t, role)).headers);
      expect(res.statusCode, role).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="stopline-offline-copy.html"',
      );
      expect(res.headers['cache-control']).toBe('private, no-cache');
    }
    for (const role of ['comms', 'legal', 'viewer']) {
      const res = await download((await loginAs(t, role)).headers);
      expect(res.statusCode, role).toBe(403);
      expect(res.json().permission).toBe('continuity.offline');
      expect(res.body).not.toContain('+49 30 1234567');
    }
    expect((await download({})).statusCode).toBe(401);
  });
});

describe('what the offline copy holds', () => {
  it('who is on call with their contacts, the escalation ladders, the runbooks, the policy and the open real incidents', async () => {
    const res = await download(lead.headers);
    const html = res.body;
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('Generated at 2026-03-02T09:00:00Z');
    // On call now, with every contact channel.
    expect(html).toContain('Security on call');
    expect(html).toContain('on call now');
    expect(html).toContain('+49 30 1234567');
    expect(html).toContain('email: ana@example.org');
    // The ladders in the policy's order.
    expect(html.indexOf('Level 1: security_lead')).toBeGreaterThan(html.indexOf('Page escalation'));
    expect(html.indexOf('Level 2: admin')).toBeGreaterThan(html.indexOf('Level 1: security_lead'));
    expect(html).toContain('Missed deadlines');
    // The runbook, step by step, and the policy.
    expect(html).toContain('Switch the checkout banner to &quot;call us to order&quot;.');
    expect(html).toContain('Keep updated: Head of support');
    expect(html).toContain('Containment actions');
    expect(html).toContain('Phases, in order');
    // Open incidents: the real one; no exercise, no restricted incident.
    expect(html).toContain('Real: card skimming on checkout');
    expect(html).not.toContain('EXERCISE-ONLY');
    expect(html).not.toContain('EXERCISE-SCENARIO-TEXT');
    expect(html).not.toContain('insider case');
  });

  it('escapes hostile names, contacts and policy text, and can run nothing', async () => {
    const html = (await download(lead.headers)).body;
    expect(html).toContain(`Ana ${HOSTILE_ESCAPED}`);
    expect(html).toContain('&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;');
    expect(html).toContain('&lt;/title&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('paper form &amp; file them &lt;b&gt;daily&lt;/b&gt;.');
    expect(html).not.toMatch(/<script|<img|<b>/i);
    expect(html).toContain(
      `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    );
    expect(html).not.toMatch(/<link|<iframe|@import|url\(/);
  });
});

describe('refreshed on change', () => {
  it('keeps its ETag while nothing in it changes (If-None-Match: 304), and changes it with a contact', async () => {
    const first = await download(lead.headers);
    const etag = first.headers.etag as string;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{43}"$/);
    t.clock.advance(10 * MINUTE);
    const later = await download(lead.headers);
    expect(later.headers.etag).toBe(etag);
    expect(later.body).toContain('Generated at 2026-03-02T09:10:00Z');
    const cached = await download({ ...lead.headers, 'if-none-match': etag });
    expect(cached.statusCode).toBe(304);
    expect(cached.body).toBe('');

    await t.container.services.accounts.users.updateUser(systemActor, ana.id, {
      contacts: [{ kind: 'phone', value: '+49 30 7654321' }],
    });
    const changed = await download({ ...lead.headers, 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body).toContain('+49 30 7654321');
    expect(changed.body).not.toContain('+49 30 1234567');
  });

  it('housekeeping’s folder copy is rewritten only when the content changed, 0600', async () => {
    const folder = join(mkdtempSync(join(tmpdir(), 'stopline-offline-')), 'offline');
    const { continuity } = t.container.services;
    expect(refreshOfflineCopy(folder, await continuity.offlineCopyAs(systemActor))).toBe('written');
    const file = join(folder, OFFLINE_COPY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    t.clock.advance(MINUTE);
    expect(refreshOfflineCopy(folder, await continuity.offlineCopyAs(systemActor))).toBe(
      'unchanged',
    );
    const steps = await t.app.inject({
      method: 'POST',
      url: '/api/v1/on-call/schedules',
      headers: lead.headers,
      payload: {
        name: 'Second line',
        rotation: {
          timeZone: 'UTC',
          startsOn: '2026-03-01',
          shifts: [{ start: '00:00', length: '1d' }],
          members: [ana.id],
        },
      },
    });
    expect(steps.statusCode).toBe(201);
    expect(refreshOfflineCopy(folder, await continuity.offlineCopyAs(systemActor))).toBe('written');
    expect(readFileSync(file, 'utf8')).toContain('Second line');
  });
});

describe('stopline offline FILE', () => {
  it('writes the copy 0600 and says to keep it private; refuses no FILE', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stopline-offline-cli-')), 'copy.html');
    const env = { ...t.database.env, STOPLINE_POLICY: policyFile };
    const res = await runCli(['offline', file], env);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`offline copy written to ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Take card payments by phone');
    expect(html).toContain('Real: card skimming on checkout');
    expect(html).not.toContain('EXERCISE-ONLY');
    const usage = await runCli(['offline'], env);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('Usage: stopline offline FILE');
  }, 180_000);
});
