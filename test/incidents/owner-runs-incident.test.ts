// The owner runs the incident (issue 21, items 5 and 6): the policy's roleAssignment lets the
// owner assign roles, or the refusal says who can; the detail answers which actions are allowed
// and why not, and what the caller must do now; /next-steps gathers those across incidents; the
// staff directory says which seats each person can be picked for.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { reproduceOverApi } from '../helpers/reproduce.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Caller = Awaited<ReturnType<typeof loginAs>>;

const OWNER_ASSIGNS = writeEditedPolicy(
  '\nphases:\n',
  '\nroleAssignment:\n  assignableBy: [owner, incident_commander]\n\nphases:\n',
);

async function ownedP1(t: TestApp, lead: Caller, owner: Caller): Promise<string> {
  const send = (method: 'POST', url: string, payload: object, who = lead) =>
    t.app.inject({ method, url, headers: who.headers, payload });
  const opened = await send('POST', '/api/v1/incidents', { title: 'Session fixation' });
  expect(opened.statusCode).toBe(201);
  const key = opened.json().key as string;
  const path = `/api/v1/incidents/${key}`;
  expect((await send('POST', `${path}/owner`, { userId: owner.userId })).statusCode).toBe(200);
  await reproduceOverApi(t, owner.headers, key);
  const severity = await send('POST', `${path}/severity`, { severity: 'P1', rationale: 'Real' });
  expect(severity.statusCode).toBe(200);
  return key;
}

const detailOf = async (t: TestApp, who: Caller, key: string) => {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/incidents/${key}`,
    headers: who.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json();
};

const assignRole = (t: TestApp, who: Caller, key: string, role: string, userId: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/incidents/${key}/roles`,
    headers: who.headers,
    payload: { role, userId },
  });

describe('under the default policy (the commander and security leads assign roles)', () => {
  let t: TestApp;
  let lead: Caller;
  let owner: Caller;
  let colleague: Caller;
  let viewer: Caller;
  beforeAll(async () => {
    t = await createTestApp();
    lead = await loginAs(t, 'security_lead');
    owner = await loginAs(t, 'responder');
    colleague = await loginAs(t, 'responder');
    viewer = await loginAs(t, 'viewer');
  });
  afterAll(async () => t.close());

  it('the owner is refused with who can; the detail said so before they tried', async () => {
    const key = await ownedP1(t, lead, owner);
    const detail = await detailOf(t, owner, key);
    const assign = detail.actions.find((a: { action: string }) => a.action === 'assign_roles');
    const who =
      "Only a security lead (incidents.manage_roles) or this incident's commander may assign this incident's roles";
    expect(assign).toEqual({
      action: 'assign_roles',
      target: null,
      allowed: false,
      reasons: [who],
    });
    const fill = detail.nextSteps.filter((s: { kind: string }) => s.kind === 'fill_role');
    expect(fill.map((s: { text: string }) => s.text)).toEqual([
      'Fill the role: Incident commander (a P1 incident needs one)',
      'Fill the role: Security engineer (a P1 incident needs one)',
      'Fill the role: Communications lead (a P1 incident needs one)',
    ]);
    expect(fill[0].detail).toBe(who);

    const refused = await assignRole(t, owner, key, 'security_engineer', colleague.userId);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe(who);
    expect((await detailOf(t, owner, key)).incident.roles).toEqual([]);
    // The security lead may; then the commander may too.
    expect(
      (await assignRole(t, lead, key, 'incident_commander', colleague.userId)).statusCode,
    ).toBe(200);
    expect(
      (await assignRole(t, colleague, key, 'security_engineer', owner.userId)).statusCode,
    ).toBe(200);
  });

  it('a move the rules refuse is answered with its reasons; a viewer is offered nothing', async () => {
    const key = await ownedP1(t, lead, owner);
    const { actions } = await detailOf(t, owner, key);
    const close = actions.find((a: { target: string | null }) => a.target === 'closed');
    expect(close.allowed).toBe(false);
    expect(close.reasons).toContain(
      "Only someone allowed to close incidents (incidents.close), or this incident's commander, may do this",
    );
    const refused = await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/phase`,
      headers: lead.headers,
      payload: { phase: 'closed' },
    });
    expect(refused.statusCode).toBe(422);
    const leadClose = (await detailOf(t, lead, key)).actions.find(
      (a: { target: string | null }) => a.target === 'closed',
    );
    expect(leadClose.reasons).toEqual(
      refused.json().failedChecks.map((f: { reason: string }) => f.reason),
    );
    const seen = await detailOf(t, viewer, key);
    expect(seen.actions.filter((a: { allowed: boolean }) => a.allowed)).toEqual([]);
    expect(seen.nextSteps).toEqual([]);
  });

  it('the staff directory names the seats each person can be picked for; the viewer none', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/staff', headers: owner.headers });
    expect(res.statusCode).toBe(200);
    const seats = new Map(
      res.json().items.map((p: { id: string; seats: string[] }) => [p.id, p.seats]),
    );
    expect(seats.get(viewer.userId)).toEqual([]);
    expect(seats.get(owner.userId)).toEqual(['owner', 'panel', 'role']);
    expect(seats.get(lead.userId)).toEqual(['owner', 'panel', 'security_lead', 'role']);
  });

  it('the API refuses a read-only viewer for every seat, naming the field and why', async () => {
    const key = await ownedP1(t, lead, owner);
    const path = `/api/v1/incidents/${key}`;
    const send = (method: 'POST' | 'PATCH', url: string, payload: object) =>
      t.app.inject({ method, url: `${path}${url}`, headers: lead.headers, payload });
    const refusal = async (res: Awaited<ReturnType<typeof send>>) => {
      expect(res.statusCode, res.body).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
      return res.json().errors as { field: string; message: string }[];
    };
    const cannot = (what: string, needs: string) =>
      expect.stringMatching(
        new RegExp(`^.+ cannot ${what}: that needs ${needs}, which their roles do not give$`),
      );

    // The owner.
    expect(await refusal(await send('POST', '/owner', { userId: viewer.userId }))).toEqual([
      { field: 'userId', message: cannot('own an incident', 'incidents.update') },
    ]);
    expect(await refusal(await send('POST', '/owner', { userId: 'nobody' }))).toEqual([
      { field: 'userId', message: 'nobody is not an active member of staff' },
    ]);
    // A role: the viewer is refused; the communications lead (incidents.communicate) may hold one.
    expect(
      await refusal(await assignRole(t, lead, key, 'communications_lead', viewer.userId)),
    ).toEqual([
      {
        field: 'userId',
        message: cannot(
          'hold an incident role or carry its tasks',
          'incidents.update or incidents.communicate or breach.manage',
        ),
      },
    ]);
    const comms = await loginAs(t, 'comms');
    expect((await assignRole(t, lead, key, 'communications_lead', comms.userId)).statusCode).toBe(
      200,
    );
    // A task's assignee, on adding it and on handing it over.
    const viewerTask = await send('POST', '/tasks', {
      type: 'other',
      title: 'Rotate keys',
      assigneeId: viewer.userId,
    });
    expect(await refusal(viewerTask)).toEqual([
      { field: 'assigneeId', message: expect.stringContaining(' cannot hold an incident role') },
    ]);
    const task = await send('POST', '/tasks', {
      type: 'other',
      title: 'Rotate keys',
      assigneeId: owner.userId,
    });
    expect(task.statusCode, task.body).toBe(201);
    const taskId = task.json().id as string;
    const handed = await send('PATCH', `/tasks/${taskId}`, { assigneeId: viewer.userId });
    expect((await refusal(handed)).map((e) => e.field)).toEqual(['assigneeId']);
    // The panel: a viewer as a responder, and a responder in the security lead's seat.
    const panel = await send('POST', '/panel', {
      responderIds: [colleague.userId, viewer.userId],
      securityLeadId: (await loginAs(t, 'responder')).userId,
    });
    expect(await refusal(panel)).toEqual([
      {
        field: 'responderIds.1',
        message: cannot('sit on the incident response panel', 'incidents.assess'),
      },
      {
        field: 'securityLeadId',
        message: cannot("take the security lead's seat on the panel", 'incidents.decide'),
      },
    ]);
    const detail = await detailOf(t, lead, key);
    expect(detail.incident.ownerId).toBe(owner.userId);
    expect(detail.incident.panelMembers).toEqual([]);
    expect(detail.incident.roles.map((r: { userId: string }) => r.userId)).toEqual([comms.userId]);
    expect(detail.incident.tasks.map((x: { assigneeId: string }) => x.assigneeId)).toEqual([
      owner.userId,
    ]);
  });

  it('/next-steps gathers what the caller must do across their open incidents', async () => {
    const key = await ownedP1(t, lead, owner);
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/next-steps',
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(200);
    const item = res.json().items.find((i: { key: string }) => i.key === key);
    expect(item).toMatchObject({ key, title: 'Session fixation', severity: 'P1' });
    expect(item.steps.map((s: { kind: string }) => s.kind)).toContain('fill_role');
    const nobody = await t.app.inject({
      method: 'GET',
      url: '/api/v1/next-steps',
      headers: viewer.headers,
    });
    expect(nobody.json()).toEqual({ items: [] });
    expect((await t.app.inject({ method: 'GET', url: '/api/v1/next-steps' })).statusCode).toBe(401);
  });
});

describe('when the policy lets the owner assign roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { STOPLINE_POLICY: OWNER_ASSIGNS } });
  });
  afterAll(async () => t.close());

  it('the owner fills a required role; another responder is still refused', async () => {
    const lead = await loginAs(t, 'security_lead');
    const owner = await loginAs(t, 'responder');
    const other = await loginAs(t, 'responder');
    const key = await ownedP1(t, lead, owner);
    const before = await detailOf(t, owner, key);
    expect(
      before.actions.find((a: { action: string }) => a.action === 'assign_roles').allowed,
    ).toBe(true);
    expect((await assignRole(t, owner, key, 'incident_commander', other.userId)).statusCode).toBe(
      200,
    );
    const after = await detailOf(t, owner, key);
    expect(after.incident.roles).toEqual([
      expect.objectContaining({ role: 'incident_commander', userId: other.userId }),
    ]);
    expect(after.flags.map((f: { role: string }) => f.role)).not.toContain('incident_commander');
    const policy = await t.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: owner.headers,
    });
    expect(policy.json().roleAssignment).toEqual({
      description: null,
      assignableBy: ['owner', 'incident_commander'],
    });
    const outsider = await loginAs(t, 'responder');
    const refused = await assignRole(t, outsider, key, 'security_engineer', outsider.userId);
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toBe(
      "Only a security lead (incidents.manage_roles), this incident's owner or this incident's commander may assign this incident's roles",
    );
  });
});
