// The breach record over HTTP (issue 15, items 1 and 2): the legal role opens and keeps it, its
// determinations are recorded decisions that start the policy's regulator clocks, bad input is a
// problem naming the field, and only the legal role and admins see the details; everyone else on
// the incident sees that a record exists and its clocks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let legal: Who, admin: Who, responder: Who, viewer: Who, outsider: Who;
let path = '';
let restrictedPath = '';

const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

// Friday 4 December 2026, 11:00 UTC.
const clock = new FakeClock('2026-12-04T11:00:00Z');

beforeAll(async () => {
  t = await createTestApp({ clock });
  [legal, admin, responder, viewer, outsider] = await Promise.all([
    loginAs(t, 'legal'),
    loginAs(t, 'admin'),
    loginAs(t, 'responder'),
    loginAs(t, 'viewer'),
    loginAs(t, 'responder'),
  ]);
  const created = await call(responder, 'POST', '/api/v1/incidents', {
    title: 'Customer export bucket public',
  });
  expect(created.statusCode).toBe(201);
  path = `/api/v1/incidents/${created.json().key}/breach`;
  const restricted = await call(responder, 'POST', '/api/v1/incidents', {
    title: 'Payroll database copied',
    restricted: true,
  });
  expect(restricted.statusCode).toBe(201);
  restrictedPath = `/api/v1/incidents/${restricted.json().key}/breach`;
});
afterAll(async () => {
  await t.close();
});

describe('opening the record', () => {
  it('needs the legal permission: a responder gets 403 naming breach.manage', async () => {
    const res = await call(responder, 'POST', path, {});
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toContain('breach.manage');
  });

  it('refuses negative counts and counts that are not numbers, field by field', async () => {
    const res = await call(legal, 'POST', path, {
      people: { count: -3, estimate: true },
      records: { count: 'about a thousand' },
      residence: [{ place: 'DE', count: 2.5 }],
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    const fields = (res.json().errors as { field: string; message: string }[]).map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['people.count', 'records.count', 'residence.0.count']),
    );
    expect(res.json().errors).toContainEqual({
      field: 'people.count',
      message: 'must be a whole number of 0 or more',
    });
    expect((await call(legal, 'GET', path)).statusCode).toBe(404);
  });

  it('the legal role opens it with the facts known so far; a second record is a 409', async () => {
    const res = await call(legal, 'POST', path, {
      status: 'suspected',
      awareHow: 'A customer wrote to support that the export link works without signing in',
      awareBy: 'Support, first line',
      nature: ['confidentiality'],
      dataCategories: [
        { name: 'contact details' },
        { name: 'health questionnaire answers', special: true },
      ],
      people: { count: 1200, estimate: true },
      records: { count: 1530, estimate: false },
      children: false,
      residence: [
        { place: 'DE', count: 800 },
        { place: 'FR', count: 400 },
      ],
      riskLikelihood: 'likely',
      riskSeverity: 'medium',
      riskRationale: 'Health data of identifiable people, downloadable by anyone with the link',
      contactPoint: 'dpo@example.org',
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.details).toMatchObject({
      status: 'suspected',
      people: { count: 1200, estimate: true },
      records: { count: 1530, estimate: false },
      dataCategories: [
        { name: 'contact details', special: false },
        { name: 'health questionnaire answers', special: true },
      ],
      riskLevel: 'high',
      determinations: [],
    });
    // GDPR is in the policy, undetermined: no clock runs yet.
    expect(body.regimes).toEqual([expect.objectContaining({ regimeId: 'gdpr', applies: null })]);
    expect(body.regimes[0].stages.map((s: { dueAt: string | null }) => s.dueAt)).toEqual([
      null,
      null,
    ]);
    const again = await call(admin, 'POST', path, {});
    expect(again.statusCode).toBe(409);
  });
});

describe('determinations are decisions that start the clocks', () => {
  it('only the legal role (or an admin) records one', async () => {
    const res = await call(responder, 'POST', `${path}/determinations`, {
      kind: 'personal_data_involved',
      value: true,
      rationale: 'names and e-mails',
    });
    expect(res.statusCode).toBe(403);
  });

  it('refuses a moment in the future, a missing rationale and "not aware"', async () => {
    const future = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'became_aware',
      value: true,
      at: '2026-12-04T12:00:00Z',
      rationale: 'support ticket',
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().errors).toEqual([{ field: 'at', message: 'must not be in the future' }]);
    const noWhy = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: true,
      rationale: '',
    });
    expect(noWhy.statusCode).toBe(400);
    expect(noWhy.json().errors[0].field).toBe('rationale');
    const notAware = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'became_aware',
      value: false,
      rationale: 'x',
    });
    expect(notAware.statusCode).toBe(400);
    expect(notAware.json().errors[0].field).toBe('value');
    const wrongKind = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'maybe',
      value: 'yes',
      rationale: 'x',
    });
    expect(wrongKind.statusCode).toBe(400);
    expect(wrongKind.json().errors.map((e: { field: string }) => e.field)).toEqual(
      expect.arrayContaining(['kind', 'value']),
    );
  });

  it('awareness at 10:00 Friday and personal data involved: the authority is due 10:00 Monday', async () => {
    const aware = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'became_aware',
      value: true,
      at: '2026-12-04T10:00:00Z',
      rationale: 'The support ticket arrived at 10:00',
    });
    expect(aware.statusCode).toBe(201);
    clock.advance(30 * 60_000);
    const personal = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'personal_data_involved',
      value: true,
      rationale: 'The export holds names, e-mails and questionnaire answers',
    });
    expect(personal.statusCode).toBe(201);
    const body = personal.json();
    expect(body.regimes[0]).toMatchObject({ regimeId: 'gdpr', applies: true });
    expect(body.regimes[0].stages[0]).toMatchObject({
      stageId: 'authority',
      status: 'running',
      startedAt: '2026-12-04T10:00:00.000Z',
      dueAt: '2026-12-07T10:00:00.000Z',
    });
    expect(body.regimes[0].stages[1]).toMatchObject({ stageId: 'individuals', dueAt: null });
    // The decision says who, when and why, and how long after awareness it came (1 h 30 min).
    expect(body.details.determinations.at(-1)).toEqual({
      kind: 'personal_data_involved',
      value: true,
      at: '2026-12-04T11:30:00.000Z',
      rationale: 'The export holds names, e-mails and questionnaire answers',
      decidedBy: legal.userId,
      decidedAt: '2026-12-04T11:30:00.000Z',
      tookMs: 90 * 60_000,
    });
  });

  it('deciding there is no high risk is kept with its rationale, and runs no individuals clock', async () => {
    const res = await call(legal, 'POST', `${path}/determinations`, {
      kind: 'high_risk',
      value: false,
      rationale: 'The link was found by the customer only; access logs show no other download',
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().regimes[0].stages[1]).toMatchObject({ status: 'waiting', dueAt: null });
    expect(res.json().details.determinations.map((d: { kind: string }) => d.kind)).toEqual([
      'became_aware',
      'personal_data_involved',
      'high_risk',
    ]);
  });
});

describe('who sees what', () => {
  it('the legal role and admins see the details', async () => {
    for (const who of [legal, admin]) {
      const res = await call(who, 'GET', path);
      expect(res.statusCode).toBe(200);
      expect(res.json().details).toMatchObject({ contactPoint: 'dpo@example.org' });
    }
  });

  it('responders and viewers see that a record exists and its clocks, not its details', async () => {
    for (const who of [responder, viewer]) {
      const res = await call(who, 'GET', path);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.details).toBeNull();
      expect(body.regimes[0].stages[0].dueAt).toBe('2026-12-07T10:00:00.000Z');
      expect(res.body).not.toContain('questionnaire');
      expect(res.body).not.toContain('dpo@example.org');
    }
  });

  it('a restricted incident: someone who may not see it gets 404, as if it did not exist', async () => {
    const opened = await call(admin, 'POST', restrictedPath, { status: 'confirmed' });
    expect(opened.statusCode).toBe(201);
    expect((await call(outsider, 'GET', restrictedPath)).statusCode).toBe(404);
    expect((await call(responder, 'GET', restrictedPath)).statusCode).toBe(200);
    // The legal role is not on this incident either: it must be added to it first.
    expect((await call(legal, 'GET', restrictedPath)).statusCode).toBe(404);
  });

  it('"what if": responders see when the individuals stage would fall due if high risk were decided now', async () => {
    const res = await call(responder, 'GET', `${path}/what-if`);
    expect(res.statusCode).toBe(200);
    expect(res.json().details).toBeNull();
    expect(res.json().regimes[0].stages.map((s: { dueAt: string }) => s.dueAt)).toEqual([
      '2026-12-07T10:00:00.000Z',
      '2026-12-07T11:30:00.000Z',
    ]);
    // Only a view: the record itself still has no individuals clock.
    expect((await call(responder, 'GET', path)).json().regimes[0].stages[1].dueAt).toBeNull();
  });

  it('an incident without a record answers 404 saying so', async () => {
    const created = await call(responder, 'POST', '/api/v1/incidents', { title: 'Phishing' });
    const res = await call(legal, 'GET', `/api/v1/incidents/${created.json().key}/breach`);
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toContain('has no breach record');
  });
});

describe('changing the record', () => {
  it('changes only the fields sent; closing it as not a breach needs the reason', async () => {
    const changed = await call(legal, 'PATCH', path, {
      measuresTaken: 'Link revoked at 10:40; bucket made private',
      people: { count: 1187, estimate: false },
    });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().details).toMatchObject({
      measuresTaken: 'Link revoked at 10:40; bucket made private',
      people: { count: 1187, estimate: false },
      records: { count: 1530, estimate: false },
    });
    const noReason = await call(legal, 'PATCH', path, { status: 'not_a_breach' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toEqual([
      { field: 'statusReason', message: 'is required to make the record not_a_breach: say why' },
    ]);
    const window = await call(legal, 'PATCH', path, {
      occurredFrom: '2026-12-01T00:00:00Z',
      occurredTo: '2026-11-30T00:00:00Z',
    });
    expect(window.statusCode).toBe(400);
    expect(window.json().errors[0].field).toBe('occurredTo');
  });

  it('a responder cannot change it', async () => {
    expect((await call(responder, 'PATCH', path, { contactPoint: 'me' })).statusCode).toBe(403);
  });
});
