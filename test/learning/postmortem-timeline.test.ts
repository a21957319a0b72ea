// A post-mortem's timeline is drawn from the incident's record, not typed in: the decisions, phase
// moves, notices, deadlines met and breached, containment and the line, each in words. Those who
// write the post-mortem mark what mattered and annotate it, and add what the record does not hold
// (a phone call); the durations to acknowledge, contain and resolve are measured from the same
// record. On SQLite and PostgreSQL, with an injected clock.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../src/server/clock.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { incidentInput, responder } from '../helpers/incidents-context.ts';
import { DEFAULT_POLICY_TEXT } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

// The default policy with phases that ask nothing, so the record reaches resolution in a few steps.
const PHASES = `phases:
  - id: detection_analysis
    name: Detection & analysis
    description: Look.
  - id: containment
    name: Containment
    description: Contain.
  - id: eradication
    name: Eradication
    description: Fix.
  - id: recovery
    name: Recovery
    description: Restore.
  - id: lessons_learned
    name: Lessons learned
    description: Learn.
  - id: closed
    name: Closed
    description: Over.
    terminal: true

stopTheLine:`;

let t: TestApp;
type Person = { userId: string; email: string; password: string; headers: Record<string, string> };
let writer: Person;
let lead: Person;
let viewer: Person;
let key: string;
let restrictedKey: string;

async function person(role: string): Promise<Person> {
  const user = await createUser(t, { roles: [role] });
  const headers = await signIn(t, user.email, user.password);
  return { userId: user.id, email: user.email, password: user.password, headers };
}

const at = (hhmm: string) => Date.parse(`2026-03-02T${hhmm}:00Z`);
const inject = (
  who: Person,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const tl = (k: string) => `/api/v1/incidents/${k}/postmortem/timeline`;

interface Item {
  source: 'record' | 'entry';
  seq: number | null;
  entryId: string | null;
  at: string;
  type: string | null;
  summary: string;
  summaryHtml: string;
  important: boolean;
  note: string | null;
  noteHtml: string | null;
}

beforeAll(async () => {
  const text = DEFAULT_POLICY_TEXT.replace(/\nphases:\n[\s\S]*?\nstopTheLine:/, `\n${PHASES}`);
  expect(text).toContain('Fix.');
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(policy, text);
  t = await createTestApp({
    env: { STOPLINE_POLICY: policy },
    clock: new FakeClock('2026-03-02T09:00:00Z'),
  });
  writer = await person('responder');
  lead = await person('security_lead');
  viewer = await person('viewer');

  // The record: detected 08:50, declared P1 at 09:00 (the line stops), acknowledged at 09:20 by
  // an internal update; no update by 10:20 (breached); a decision; containment from 10:40, left
  // at 11:10 (contained, the line runs again); a public notice; resolved (recovery) at 12:00.
  const s = t.container.services.incidents;
  const owner = responder(writer.userId);
  const opened = await s.openIncident(
    owner,
    incidentInput({
      title: 'Reset tokens leak via Referer',
      detectedAt: at('08:50'),
      severity: 'P1',
      severityRationale: 'account takeover',
      severityOverride: EMERGENCY,
    }),
  );
  key = opened.key;
  await s.assignOwner(owner, key, undefined, writer.userId);
  t.clock.set('2026-03-02T09:20:00Z');
  await s.addNote(owner, key, undefined, 'Looking into it', 'internal');
  const scheduler = new Scheduler({
    deadlines: t.container.services.clocks,
    clock: t.clock,
    workerId: 'test',
  });
  t.clock.set('2026-03-02T10:25:00Z');
  await scheduler.tick(t.clock.now());
  t.clock.set('2026-03-02T10:30:00Z');
  await s.logDecision(owner, key, undefined, {
    what: 'Disable password reset',
    why: 'Stops new tokens leaking',
    alternatives: '',
    decidedBy: 'the owner',
  });
  t.clock.set('2026-03-02T10:40:00Z');
  await s.movePhase(owner, key, undefined, 'containment');
  await s.recordContainment(owner, key, undefined, {
    kind: 'feature_disabled',
    description: 'Password reset switched off',
  });
  t.clock.set('2026-03-02T11:10:00Z');
  await s.movePhase(owner, key, undefined, 'eradication');
  t.clock.set('2026-03-02T11:30:00Z');
  await s.addNote(owner, key, undefined, 'Password reset is paused while we fix it', 'public');
  t.clock.set('2026-03-02T12:00:00Z');
  await s.movePhase(owner, key, undefined, 'recovery');
  t.clock.set('2026-03-02T12:10:00Z');

  const restricted = await s.openIncident(
    owner,
    incidentInput({ title: 'Quiet one', restricted: true }),
  );
  restrictedKey = restricted.key;
  for (const p of [writer, lead, viewer]) p.headers = await signIn(t, p.email, p.password);
  for (const k of [key, restrictedKey]) {
    const started = await inject(writer, 'POST', `/api/v1/incidents/${k}/postmortem`);
    expect(started.statusCode, started.body).toBe(201);
  }
});
afterAll(async () => t.close());

describe("a post-mortem's timeline from the record", () => {
  it('draws decisions, phase moves, notices, deadlines met and breached, containment and the line, in words and in order', async () => {
    const res = await inject(viewer, 'GET', tl(key));
    expect(res.statusCode, res.body).toBe(200);
    const items = res.json().items as Item[];
    const lines = items.map((i) => [i.at.slice(11, 16), i.summary]);
    expect(lines).toEqual([
      ['09:00', 'Declared: Reset tokens leak via Referer'],
      ['09:00', 'Severity P1: account takeover'],
      ['09:00', 'The line stopped: critical (P1)'],
      ['09:00', 'Owner assigned'],
      ['09:20', 'Internal update: Looking into it'],
      ['09:20', 'Deadline met: response'],
      ['09:20', 'Deadline met: internal update'],
      ['10:20', 'Deadline breached: internal update'],
      ['10:30', 'Decision: Disable password reset: Stops new tokens leaking'],
      ['10:40', 'Phase moved from Detection & analysis to Containment'],
      ['10:40', 'Containment: feature disabled, Password reset switched off'],
      ['11:10', 'Phase moved from Containment to Eradication'],
      ['11:10', 'The line runs again: contained'],
      ['11:30', 'Public notice: Password reset is paused while we fix it'],
      ['11:30', 'Deadline met: internal update'],
      ['11:30', 'Deadline met: customer first notice'],
      ['12:00', 'Phase moved from Eradication to Recovery'],
    ]);
    expect(items.every((i) => i.source === 'record' && !i.important && i.note === null)).toBe(true);
  });

  it('measures the time to acknowledge, to contain and to resolve from the record, from detection', async () => {
    const { durations } = (await inject(viewer, 'GET', tl(key))).json();
    expect(durations).toEqual({
      startedAt: '2026-03-02T08:50:00.000Z',
      startedFrom: 'detected',
      toAcknowledge: { at: '2026-03-02T09:20:00.000Z', ms: 30 * MINUTE },
      toContain: { at: '2026-03-02T11:10:00.000Z', ms: 140 * MINUTE },
      toResolve: { at: '2026-03-02T12:00:00.000Z', ms: 190 * MINUTE },
    });
    // Not contained yet: null, never a guess.
    const quiet = (await inject(writer, 'GET', tl(restrictedKey))).json().durations;
    expect(quiet).toMatchObject({ startedFrom: 'declared', toContain: null, toResolve: null });
  });

  it('marks events important with a note, adds an entry the record lacks, and shows only the important ones when asked', async () => {
    const items = (await inject(writer, 'GET', tl(key))).json().items as Item[];
    const contained = items.find((i) => i.summary.startsWith('Phase moved from Containment'))!;
    const marked = await inject(writer, 'PUT', `${tl(key)}/events/${contained.seq}`, {
      important: true,
      note: 'Contained here. <script>alert(1)</script> [see](javascript:alert(1))',
    });
    expect(marked.statusCode, marked.body).toBe(200);
    const added = await inject(writer, 'POST', `${tl(key)}/entries`, {
      at: '2026-03-02T09:05:00Z',
      text: 'The **on-call DBA** was phoned',
      important: true,
    });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.headers.etag).toBe('"3"');

    const important = await inject(viewer, 'GET', `${tl(key)}?important=true`);
    const shown = important.json().items as Item[];
    expect(shown.map((i) => [i.source, i.at.slice(11, 16), i.summary])).toEqual([
      ['entry', '09:05', 'The **on-call DBA** was phoned'],
      ['record', '11:10', 'Phase moved from Containment to Eradication'],
    ]);
    expect(shown[0]!.summaryHtml).toContain('<p>The <strong>on-call DBA</strong> was phoned</p>');
    expect(shown[1]!.note).toContain('<script>');
    expect(shown[1]!.noteHtml).not.toContain('<script>');
    expect(shown[1]!.noteHtml).not.toContain('href="javascript:');
    expect(shown[1]!.noteHtml).toContain('&lt;script&gt;');

    // Unmarking takes it off the important view; removing the entry leaves the record's events.
    await inject(writer, 'PUT', `${tl(key)}/events/${contained.seq}`, { important: false });
    const removed = await inject(writer, 'DELETE', `${tl(key)}/entries/${shown[0]!.entryId}`);
    expect(removed.statusCode, removed.body).toBe(200);
    expect((await inject(viewer, 'GET', `${tl(key)}?important=true`)).json().items).toEqual([]);
  });

  it('refuses bad input with the field, an event not on the timeline, and any change once the post-mortem left draft', async () => {
    const future = await inject(writer, 'POST', `${tl(key)}/entries`, {
      at: '2026-03-02T13:00:00Z',
      text: 'Later',
    });
    expect(future.statusCode).toBe(400);
    expect(future.headers['content-type']).toContain('application/problem+json');
    expect(future.json().errors).toEqual([
      { field: 'at', message: expect.stringMatching(/future/) },
    ]);
    const empty = await inject(writer, 'POST', `${tl(key)}/entries`, {
      at: '2026-03-02T09:00:00Z',
      text: ' ',
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.json().errors[0].field).toContain('text');
    expect(
      (await inject(writer, 'PUT', `${tl(key)}/events/9999`, { important: true })).statusCode,
    ).toBe(404);

    const view = (await inject(writer, 'GET', `/api/v1/incidents/${key}/postmortem`)).json();
    for (const s of view.sections as { id: string; required: boolean }[]) {
      if (s.required)
        await inject(writer, 'PUT', `/api/v1/incidents/${key}/postmortem/sections/${s.id}`, {
          body: 'Answered.',
        });
    }
    expect(
      (await inject(writer, 'POST', `/api/v1/incidents/${key}/postmortem/submit`)).statusCode,
    ).toBe(200);
    const late = await inject(writer, 'PUT', `${tl(key)}/events/1`, { important: true });
    expect(late.statusCode).toBe(422);
    expect(late.json().detail).toMatch(/only while the post-mortem is in draft/);
  });

  it('per role: everyone reads it, a viewer may not change it, and a restricted incident keeps its timeline to its participants', async () => {
    const byViewer = await inject(viewer, 'POST', `${tl(restrictedKey)}/entries`, {
      at: '2026-03-02T12:00:00Z',
      text: 'x',
    });
    expect(byViewer.statusCode).toBe(403);
    expect(byViewer.json().permission).toBe('learning.write');
    for (const outsider of [viewer, lead]) {
      const res = await inject(outsider, 'GET', tl(restrictedKey));
      expect(res.statusCode).toBe(404);
      expect(res.json().detail).toBe('Incident was not found');
    }
    expect((await inject(writer, 'GET', tl(restrictedKey))).statusCode).toBe(200);
    const anonymous = await t.app.inject({ method: 'GET', url: tl(key) });
    expect(anonymous.statusCode).toBe(401);
  });
});
