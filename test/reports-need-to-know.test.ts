// Need-to-know does not stop at the incident: a report linked to a restricted incident is hidden,
// exactly as the incident is (404, never 403), from everyone who may not see the incident, on
// every path that shows reports: detail, queue, search, files, conversation, contact, changes,
// deadlines, the live stream and linking from the incident side. Participants still see it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from './helpers/auth.ts';
import { listening, subscribe, type SseStream } from './helpers/sse-client.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };

let t: TestApp;
let admin: Who;
let member: Who;
const outsiders: Record<string, Who> = {};
/** Every role that reads reports but, without taking part, may not see a restricted incident. */
const ROLES = ['security_lead', 'responder', 'comms', 'legal', 'viewer'] as const;
const TRIAGE = new Set(['security_lead', 'responder']);
const READ_CONTACT = new Set(['security_lead', 'responder', 'comms', 'legal']);

let hidden: { key: string; id: string; attachmentId: string; deadlineId: string };
let incidentKey: string;

const call = (who: Who, method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

async function submit(summary: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: {
      summary,
      description: 'The admin export leaks every customer record.',
      contact: { email: 'finder@example.org' },
      attachments: [{ name: 'poc.txt', contentBase64: Buffer.from('proof').toString('base64') }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().key as string;
}

beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '1000' } });
  await listening(t);
  admin = await loginAs(t, 'admin');
  member = await loginAs(t, 'responder');
  for (const role of ROLES) outsiders[role] = await loginAs(t, role);

  const key = await submit('Quartzwhisper export leak');
  const opened = await call(admin, 'POST', '/api/v1/incidents', {
    title: 'Customer export leak',
    restricted: true,
    reportIds: [key],
  });
  expect(opened.statusCode, opened.body).toBe(201);
  incidentKey = opened.json().key;
  const joined = await call(admin, 'POST', `/api/v1/incidents/${incidentKey}/participants`, {
    userId: member.userId,
  });
  expect(joined.statusCode, joined.body).toBe(200);

  const detail = (await call(member, 'GET', `/api/v1/reports/${key}`)).json();
  const deadlines = (await call(admin, 'GET', '/api/v1/deadlines?state=open')).json();
  const deadline = deadlines.items.find((d: { subjectKey: string }) => d.subjectKey === key);
  hidden = {
    key,
    id: deadline.subjectId,
    attachmentId: detail.attachments[0].id,
    deadlineId: deadline.id,
  };
});
afterAll(async () => t.close());

async function queueKeys(who: Who, query = '') {
  const res = await call(who, 'GET', `/api/v1/reports${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().reports as { key: string }[]).map((r) => r.key);
}

async function openDeadlineIds(who: Who) {
  const res = await call(who, 'GET', '/api/v1/deadlines?state=open');
  expect(res.statusCode, res.body).toBe(200);
  return (res.json().items as { id: string }[]).map((d) => d.id);
}

function expectNotFound(res: { statusCode: number; body: string }) {
  expect(res.statusCode, res.body).toBe(404);
  expect(res.body).not.toContain('Quartzwhisper');
}

describe('a report linked to a restricted incident, for each role that may not see the incident', () => {
  it.each(ROLES)('%s: the incident and the report are both 404', async (role) => {
    const who = outsiders[role]!;
    expectNotFound(await call(who, 'GET', `/api/v1/incidents/${incidentKey}`));
    expectNotFound(await call(who, 'GET', `/api/v1/reports/${hidden.key}`));
    expectNotFound(await call(who, 'GET', `/api/v1/reports/${hidden.key.toLowerCase()}`));
    expectNotFound(
      await call(who, 'GET', `/api/v1/reports/${hidden.key}/attachments/${hidden.attachmentId}`),
    );
    expectNotFound(await call(who, 'GET', `/api/v1/reports/${hidden.key}/messages`));
  });

  it.each(ROLES)('%s: the queue and its search leave it out', async (role) => {
    const who = outsiders[role]!;
    expect(await queueKeys(who)).not.toContain(hidden.key);
    expect(await queueKeys(who, '?status=investigating')).not.toContain(hidden.key);
    expect(await queueKeys(who, '?q=quartzwhisper')).toEqual([]);
    expect(await queueKeys(who, `?q=${hidden.key}`)).toEqual([]);
  });

  it.each(ROLES)('%s: its deadlines are left out and cannot be marked met', async (role) => {
    const who = outsiders[role]!;
    expect(await openDeadlineIds(who)).not.toContain(hidden.deadlineId);
    const met = await call(who, 'POST', `/api/v1/deadlines/${hidden.deadlineId}/met`, {
      reason: 'probing',
    });
    // Those without deadlines.manage are refused by permission before anything is looked up.
    expect(met.statusCode).toBe(TRIAGE.has(role) ? 404 : 403);
  });

  it.each(ROLES.filter((r) => r !== 'viewer'))(
    '%s: contact, changes and notes are 404 too',
    async (role) => {
      const who = outsiders[role]!;
      if (READ_CONTACT.has(role)) {
        expectNotFound(await call(who, 'GET', `/api/v1/reports/${hidden.key}/contact`));
        expectNotFound(await call(who, 'GET', `/api/v1/reports/${hidden.key}/access-log`));
      }
      if (TRIAGE.has(role)) {
        expectNotFound(
          await call(who, 'POST', `/api/v1/reports/${hidden.key}/milestones`, {
            milestone: 'assessed',
          }),
        );
        expectNotFound(
          await call(who, 'POST', `/api/v1/reports/${hidden.key}/identity-verifications`, {
            method: 'known_contact',
          }),
        );
      }
      if (role !== 'legal') {
        expectNotFound(
          await call(who, 'POST', `/api/v1/reports/${hidden.key}/messages`, {
            kind: 'internal_note',
            body: 'probing',
          }),
        );
      }
    },
  );

  it('linking it to an incident the caller can see is 404 as for an unknown report', async () => {
    const lead = outsiders.security_lead!;
    const other = await call(lead, 'POST', '/api/v1/incidents', { title: 'Another one' });
    const linked = await call(lead, 'POST', `/api/v1/incidents/${other.json().key}/reports`, {
      reportIds: [hidden.key],
    });
    expect(linked.statusCode, linked.body).toBe(404);
    expect(linked.body).not.toContain(incidentKey);
    const closed = await call(lead, 'POST', `/api/v1/reports/${await submit('Other')}/close`, {
      resolution: 'duplicate',
      duplicateOf: hidden.key,
      reason: 'Reported before.',
    });
    expect(closed.statusCode, closed.body).toBe(404);
  });
});

describe('who may see the incident still sees the report', () => {
  it.each([
    ['a participant', () => member],
    ['an admin', () => admin],
  ])('%s reads it, finds it, downloads its files and sees its deadlines', async (_, who) => {
    const detail = await call(who(), 'GET', `/api/v1/reports/${hidden.key}`);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().summary).toBe('Quartzwhisper export leak');
    expect(await queueKeys(who())).toContain(hidden.key);
    expect(await queueKeys(who(), '?q=quartzwhisper')).toEqual([hidden.key]);
    const file = await call(
      who(),
      'GET',
      `/api/v1/reports/${hidden.key}/attachments/${hidden.attachmentId}`,
    );
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('proof');
    expect((await call(who(), 'GET', `/api/v1/reports/${hidden.key}/messages`)).statusCode).toBe(
      200,
    );
    expect(await openDeadlineIds(who())).toContain(hidden.deadlineId);
  });
});

describe('the live stream', () => {
  it('tells a participant of a change on the report, and nobody who may not see it', async () => {
    const streams: [string, SseStream][] = [];
    for (const role of ROLES) streams.push([role, await subscribe(t, outsiders[role]!.headers)]);
    const memberStream = await subscribe(t, member.headers);
    try {
      const note = await call(member, 'POST', `/api/v1/reports/${hidden.key}/messages`, {
        kind: 'internal_note',
        body: 'Reproduced on staging.',
      });
      expect(note.statusCode, note.body).toBe(201);
      // A change everyone may see, committed after it: each outsider's stream gets this one and
      // must not have had the hidden report's notice before it.
      const visible = await submit('Visible one');
      expect((await memberStream.nextChange((n) => n.report === hidden.key)).type).toBe(
        'report.note_added',
      );
      for (const [role, stream] of streams) {
        await stream.nextChange((n) => n.report === visible);
        const heard = stream.changes().filter((n) => n.report === hidden.key);
        expect(heard, role).toEqual([]);
      }
    } finally {
      for (const [, stream] of streams) stream.close();
      memberStream.close();
    }
  });
});
