import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import {
  admin,
  createIncidentsContext,
  incidentInput,
  responder,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let c: IncidentsContext;
let lead: string;
let owner: string;

async function user(email: string, role: string) {
  const made = await c.container.services.accounts.users.createUser(admin('root'), {
    email,
    displayName: email,
    roles: [role],
  } as never);
  return made.user.id;
}

const scheduler = (workerId = 'one') =>
  new Scheduler({ deadlines: c.container.services.clocks, clock: c.clock, workerId });

async function clockEvents(incidentId: string) {
  const events = await listStreamEvents(c.container.db, incidentId, { afterSeq: 0, limit: 500 });
  return events
    .filter((e) => e.type.startsWith('incident.deadline_'))
    .map((e) => ({
      at: new Date(e.at).toISOString().slice(11, 16),
      type: e.type.replace('incident.deadline_', ''),
      kind: (e.data as { kind: string }).kind,
      notified: (e.data as { notified?: string[] }).notified,
    }));
}

async function outboxFor(email: string) {
  return c.container.db
    .selectFrom('outbox')
    .selectAll()
    .where('recipient', '=', email)
    .orderBy('created_at')
    .execute();
}

beforeAll(async () => {
  c = await createIncidentsContext();
  lead = await user('lead@example.org', 'security_lead');
  owner = await user('owner@example.org', 'responder');
});
afterAll(() => c.close());

describe('the scheduler fires the ladder of a deadline', () => {
  it('a P0 declared at 10:00 with no response escalates to the security lead at 10:15', async () => {
    c.clock.set('2026-03-02T10:00:00Z');
    const incident = await c.container.services.incidents.openIncident(
      responder(owner),
      incidentInput({ title: 'Tokens leak', severity: 'P0', severityOverride: EMERGENCY }),
    );
    await c.container.services.incidents.assignOwner(
      responder(owner),
      incident.id,
      undefined,
      owner,
    );
    const s = scheduler();
    for (let minute = 0; minute <= 16; minute++) {
      c.clock.set(Date.parse('2026-03-02T10:00:00Z') + minute * MINUTE);
      await s.tick(c.clock.now());
    }
    const response = (await clockEvents(incident.id)).filter((e) => e.kind === 'response');
    expect(response).toEqual([
      { at: '10:08', type: 'reminded', kind: 'response', notified: [owner] },
      { at: '10:12', type: 'reminded', kind: 'response', notified: [owner] },
      { at: '10:15', type: 'breached', kind: 'response', notified: [lead] },
    ]);
    const leadMail = await outboxFor('lead@example.org');
    // The notice names the incident (key and title) and links to its page in the console.
    expect(leadMail.map((m) => m.subject)).toContain(
      `Deadline missed: respond to the incident — ${incident.key} Tokens leak`,
    );
    const missed = leadMail.find((m) => m.subject.startsWith('Deadline missed'))!;
    expect(missed.body_text).toContain(`/app/incidents/${incident.key}`);

    // A tick again at the same time fires nothing twice.
    expect(await s.tick(c.clock.now())).toBe(0);
  });

  it('a note meets the response: the met event is on the record and nothing more fires', async () => {
    c.clock.set('2026-03-03T10:00:00Z');
    const svc = c.container.services.incidents;
    const incident = await svc.openIncident(
      responder(owner),
      incidentInput({ title: 'XSS', severity: 'P1', severityOverride: EMERGENCY }),
    );
    c.clock.set('2026-03-03T10:10:00Z');
    await svc.addNote(responder(owner), incident.id, undefined, 'Looking into it', 'internal');
    const s = scheduler();
    c.clock.set('2026-03-03T12:00:00Z');
    await s.tick(c.clock.now());
    const events = await clockEvents(incident.id);
    expect(events.filter((e) => e.kind === 'response').map((e) => e.type)).toEqual(['met']);
    const deadlines = await c.container.services.clocks.listForIncident(admin('x'), incident.id);
    expect(deadlines.find((d) => d.kind === 'response')).toMatchObject({
      status: 'met',
      metBy: 'incident.note_added',
    });
  });

  it('after downtime an overdue deadline fires at once, once', async () => {
    c.clock.set('2026-03-04T10:00:00Z');
    const incident = await c.container.services.incidents.openIncident(
      responder(owner),
      incidentInput({ title: 'Downtime', severity: 'P1', severityOverride: EMERGENCY }),
    );
    c.clock.set('2026-03-04T13:00:00Z');
    const s = scheduler();
    await s.tick(c.clock.now());
    await s.tick(c.clock.now());
    const response = (await clockEvents(incident.id)).filter((e) => e.kind === 'response');
    expect(response.map((e) => [e.at, e.type])).toEqual([['13:00', 'breached']]);
  });

  it('a deadline marked met by hand records who and why', async () => {
    c.clock.set('2026-03-05T10:00:00Z');
    const incident = await c.container.services.incidents.openIncident(
      responder(owner),
      incidentInput({ title: 'By hand', severity: 'P2', severityOverride: EMERGENCY }),
    );
    const svc = c.container.services.clocks;
    const [response] = (await svc.listForIncident(admin('x'), incident.id)).filter(
      (d) => d.kind === 'response',
    );
    const met = await svc.markMet(admin(lead), response!.id, 'Answered on the phone');
    expect(met).toMatchObject({
      status: 'met',
      metBy: 'manual',
      metReason: 'Answered on the phone',
    });
    const events = await clockEvents(incident.id);
    expect(events.map((e) => e.type)).toContain('met');
    await expect(svc.markMet(admin(lead), response!.id, 'again')).rejects.toMatchObject({
      code: 'RULE_REFUSED',
    });
  });
});
