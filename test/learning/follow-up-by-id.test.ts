// Follow-ups by their id (issue 18, item 4): PATCH /api/v1/follow-ups/{id} and its status route
// change a post-mortem's follow-up as its incident's post-mortem is changed (recorded on the
// post-mortem), and a restricted incident's follow-ups stay with those who may see the incident:
// 404 for anyone else, and left out of the list. Both databases.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let adminId: string;
let responder: Headers;
let responderId: string;

const call = (
  who: Headers,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers: who, ...(payload ? { payload } : {}) });

/** An incident with a post-mortem and one follow-up; answers the follow-up's id. */
async function followUpOn(who: Headers, ownerId: string, restricted: boolean, title: string) {
  const incident = await call(who, 'POST', '/api/v1/incidents', { title, restricted });
  expect(incident.statusCode, incident.body).toBe(201);
  const pm = `/api/v1/incidents/${incident.json().key}/postmortem`;
  expect((await call(who, 'POST', pm)).statusCode).toBe(201);
  const added = await call(who, 'POST', `${pm}/follow-ups`, {
    title,
    ownerId,
    dueAt: '2026-03-20T09:00:00Z',
    type: 'prevent',
  });
  expect(added.statusCode, added.body).toBe(201);
  return { id: added.json().followUps[0].id as string, postmortemId: added.json().id as string };
}

beforeAll(async () => {
  t = await createTestApp();
  ({ userId: adminId, headers: admin } = await loginAs(t, 'admin'));
  ({ userId: responderId, headers: responder } = await loginAs(t, 'responder'));
});
afterAll(async () => t.close());

describe("a post-mortem's follow-up by its id", () => {
  it('is changed and closed as on its post-mortem, recorded there', async () => {
    const { id, postmortemId } = await followUpOn(responder, responderId, false, 'Rotate keys');
    const moved = await call(responder, 'PATCH', `/api/v1/follow-ups/${id}`, {
      ownerId: adminId,
      dueAt: '2026-03-25T09:00:00Z',
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json()).toMatchObject({
      id,
      ownerId: adminId,
      dueAt: '2026-03-25T09:00:00.000Z',
      source: null,
      incident: { key: expect.stringMatching(/^INC-/) },
    });
    const done = await call(responder, 'PUT', `/api/v1/follow-ups/${id}/status`, {
      status: 'done',
    });
    expect(done.json()).toMatchObject({ status: 'done' });
    const events = await t.container.db
      .selectFrom('events')
      .select('type')
      .where('stream_id', '=', postmortemId)
      .orderBy('seq')
      .execute();
    expect(events.map((e) => e.type).slice(-2)).toEqual([
      'postmortem.follow_up_changed',
      'postmortem.follow_up_status_set',
    ]);
  });

  it('of a restricted incident is not there for those who may not see the incident', async () => {
    const { id } = await followUpOn(admin, adminId, true, 'Secret follow-up');
    for (const [method, url, body] of [
      ['PATCH', `/api/v1/follow-ups/${id}`, { dueAt: '2026-03-30T09:00:00Z' }],
      ['PUT', `/api/v1/follow-ups/${id}/status`, { status: 'done' }],
    ] as const) {
      const res = await call(responder, method, url, body);
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('Secret follow-up');
    }
    expect((await call(responder, 'GET', '/api/v1/follow-ups')).body).not.toContain(
      'Secret follow-up',
    );
    const own = await call(admin, 'PATCH', `/api/v1/follow-ups/${id}`, {
      dueAt: '2026-03-30T09:00:00Z',
    });
    expect(own.statusCode, own.body).toBe(200);
  });
});

describe('a change by id is checked against the version listed', () => {
  const listedVersion = async (who: Headers, id: string) => {
    const items = (await call(who, 'GET', '/api/v1/follow-ups')).json().items as {
      id: string;
      version: number;
      dueAt: string;
    }[];
    return items.find((f) => f.id === id)!;
  };

  it("is the post-mortem's version: a stale one is a 409 and changes nothing", async () => {
    const { id } = await followUpOn(responder, responderId, false, 'Patch the edge');
    const listed = await listedVersion(responder, id);
    // Someone else changes it after the responder listed it.
    const other = await call(admin, 'PATCH', `/api/v1/follow-ups/${id}`, {
      dueAt: '2026-03-28T09:00:00Z',
      expectedVersion: listed.version,
    });
    expect(other.statusCode, other.body).toBe(200);
    expect(other.json().version).toBe(listed.version + 1);
    expect(other.headers.etag).toBe(`"${listed.version + 1}"`);

    for (const [method, url, body, headers] of [
      [
        'PATCH',
        `/api/v1/follow-ups/${id}`,
        { dueAt: '2026-03-21T09:00:00Z', expectedVersion: listed.version },
        {},
      ],
      [
        'PATCH',
        `/api/v1/follow-ups/${id}`,
        { dueAt: '2026-03-21T09:00:00Z' },
        { 'if-match': `"${listed.version}"` },
      ],
      [
        'PUT',
        `/api/v1/follow-ups/${id}/status`,
        { status: 'done', expectedVersion: listed.version },
        {},
      ],
    ] as const) {
      const stale = await t.app.inject({
        method,
        url,
        headers: { ...responder, ...headers },
        payload: body,
      });
      expect(stale.statusCode, `${method} ${url}`).toBe(409);
      expect(stale.headers['content-type']).toContain('application/problem+json');
      expect(stale.json().detail).toMatch(/changed by someone else/);
    }
    const after = await listedVersion(responder, id);
    expect(after).toMatchObject({ version: listed.version + 1, dueAt: '2026-03-28T09:00:00.000Z' });

    const fresh = await call(responder, 'PUT', `/api/v1/follow-ups/${id}/status`, {
      status: 'done',
      expectedVersion: after.version,
    });
    expect(fresh.statusCode, fresh.body).toBe(200);
    expect(fresh.json()).toMatchObject({ status: 'done', version: after.version + 1 });
  });

  it('refuses an If-Match that is not a version, naming the header', async () => {
    const { id } = await followUpOn(responder, responderId, false, 'Bad header');
    const res = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/follow-ups/${id}`,
      headers: { ...responder, 'if-match': 'yesterday' },
      payload: { dueAt: '2026-03-21T09:00:00Z' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toEqual([expect.objectContaining({ field: 'headers.if-match' })]);
  });
});
