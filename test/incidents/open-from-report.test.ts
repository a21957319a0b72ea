// incidents.openFromReport through the reports use case that calls it, without HTTP (as the CLI or
// another subject would): the permission is checked in the domain, and the incident carries what
// the report said.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/server/domain/actor.ts';
import {
  admin,
  createIncidentsContext,
  receiveReport,
  type IncidentsContext,
} from '../helpers/incidents-context.ts';

let t: IncidentsContext;
beforeAll(async () => {
  t = await createIncidentsContext();
});
afterAll(async () => t.close());

const triager: Actor = {
  kind: 'user',
  userId: 'triager',
  roles: ['triager'],
  permissions: new Set(['reports.read', 'reports.triage']),
};

describe('opening an incident from a report', () => {
  it('is refused without incidents.create, and the report stays unlinked', async () => {
    const { key } = await receiveReport(t, 'Open redirect on the sign-in page');
    await expect(
      t.container.services.reports.openIncidentFromReport(triager, key),
    ).rejects.toMatchObject({
      code: 'FORBIDDEN',
      message: 'Opening an incident needs the incidents.create permission',
    });
    const report = await t.container.services.reports.getReport(admin('root'), key);
    expect(report.report.incidentId).toBeNull();
  });

  it("opens an incident titled by the report's summary, linked to it, dated from its receipt", async () => {
    const received = t.clock.now();
    const { key, id } = await receiveReport(t, 'Session fixation in the portal');
    t.clock.advance(60_000);
    const opened = await t.container.services.reports.openIncidentFromReport(admin('root'), key);
    expect(opened.incident).toMatchObject({
      title: 'Session fixation in the portal',
      summary: `Opened from security report ${key}.`,
      restricted: false,
    });
    const { incident } = await t.container.services.incidents.getIncident(
      admin('root'),
      opened.incidentId,
    );
    expect(incident.reportIds).toEqual([id]);
    expect(incident.reportedAt).toBe(received);
    const report = await t.container.services.reports.getReport(admin('root'), key);
    expect(report.report.incidentId).toBe(opened.incidentId);
  });
});
