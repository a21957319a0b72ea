// An incident is handled under the policy it was declared under: a new policy put in force
// later (a restart with another file) does not change the ladder of its deadlines.
import { afterAll, describe, expect, it } from 'vitest';
import { FakeClock, MINUTE } from '../../src/server/clock.ts';
import { createContainer, type Container } from '../../src/server/container.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { loadPolicyFile } from '../../src/server/domain/policy/index.ts';
import { createLogger } from '../../src/server/logger.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { admin, incidentInput, responder } from '../helpers/incidents-context.ts';
import { BUNDLED_POLICY, writeEditedPolicy } from '../helpers/policies.ts';
import { createTestDatabase } from '../helpers/test-db.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

const database = await createTestDatabase();
const clock = new FakeClock('2026-03-02T09:00:00Z');
const open: Container[] = [];
afterAll(async () => {
  for (const c of open) await c.close();
  await database.drop();
});

async function start(policyFile: string) {
  const container = await createContainer(database.config, {
    clock,
    logger: createLogger('silent'),
    policy: loadPolicyFile(policyFile),
  });
  open.push(container);
  return container;
}

describe('the ladder of an incident follows the policy version it was declared under', () => {
  it('a P0 declared under the default keeps its reminders after a policy without reminders is put in force', async () => {
    const before = await start(BUNDLED_POLICY);
    const { users } = before.services.accounts;
    const lead = await users.createUser(admin('root'), {
      email: 'lead@example.org',
      displayName: 'Lead',
      roles: ['security_lead'],
    });
    const owner = await users.createUser(admin('root'), {
      email: 'owner@example.org',
      displayName: 'Owner',
      roles: ['responder'],
    });
    clock.set('2026-03-02T10:00:00Z');
    const incident = await before.services.incidents.openIncident(
      responder(owner.user.id),
      incidentInput({
        title: 'Keys in a public bucket',
        severity: 'P0',
        severityOverride: EMERGENCY,
      }),
    );
    await before.services.incidents.assignOwner(
      responder(owner.user.id),
      incident.id,
      undefined,
      owner.user.id,
    );
    await before.close();

    // Restarted with a policy that reminds nobody and escalates straight to the sponsor.
    const edited = writeEditedPolicy(
      '  remindAt: [0.5, 0.8]\n  escalateTo: [security_lead, executive_sponsor]\n',
      '  remindAt: []\n  escalateTo: [executive_sponsor]\n',
    );
    const after = await start(edited);
    expect(after.policy.hash).not.toBe(before.policy.hash);
    const scheduler = new Scheduler({ deadlines: after.services.clocks, clock, workerId: 'b' });
    for (let minute = 0; minute <= 16; minute++) {
      clock.set(Date.parse('2026-03-02T10:00:00Z') + minute * MINUTE);
      await scheduler.tick(clock.now());
    }

    const events = await listStreamEvents(after.db, incident.id, { afterSeq: 0, limit: 500 });
    const response = events
      .filter((e) => e.type.startsWith('incident.deadline_'))
      .filter((e) => (e.data as { kind: string }).kind === 'response')
      .map((e) => ({
        at: new Date(e.at).toISOString().slice(11, 16),
        type: e.type.replace('incident.deadline_', ''),
        notified: (e.data as { notified: string[] }).notified,
      }));
    expect(response).toEqual([
      { at: '10:08', type: 'reminded', notified: [owner.user.id] },
      { at: '10:12', type: 'reminded', notified: [owner.user.id] },
      { at: '10:15', type: 'breached', notified: [lead.user.id] },
    ]);
  });
});
