// The clocks are consulted on a report change only when its events can change a clock: one that
// meets a deadline (acknowledging), closes the report or changes the emergency. A note, a message
// or a status change leaves the clocks alone and sends no statement to the deadlines table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs } from '../helpers/auth.ts';
import { StatementRecorder } from '../helpers/statements.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const recorder = new StatementRecorder();
let t: TestApp;
let lead: Record<string, string>;
beforeAll(async () => {
  t = await createTestApp({ overrides: { databasePlugins: [recorder] } });
  lead = (await loginAs(t, 'security_lead')).headers;
});
afterAll(() => t.close());

async function submit(): Promise<{ key: string; id: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: { summary: 'Open redirect on login', description: 'next= takes any host.' },
  });
  expect(res.statusCode, res.body).toBe(201);
  const key = res.json().key as string;
  const { id } = await t.container.db
    .selectFrom('reports')
    .select('id')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return { key, id };
}

async function ackDeadline(reportId: string) {
  return t.container.db
    .selectFrom('deadlines')
    .select(['status', 'met_by'])
    .where('subject_id', '=', reportId)
    .where('kind', '=', 'reporter_acknowledgment')
    .executeTakeFirstOrThrow();
}

/** Sends a staff request and answers the tables of every statement it sent. */
async function statementsOf(method: 'POST' | 'PUT', url: string, payload?: object) {
  const { result, statements } = await recorder.during(() =>
    t.app.inject({ method, url, headers: lead, ...(payload ? { payload } : {}) }),
  );
  expect(result.statusCode, result.body).toBeLessThan(300);
  return statements;
}

const touches = (statements: string[][], table: string) =>
  statements.filter((tables) => tables.includes(table)).length;

describe('a report change reads the clocks only when it can change them', () => {
  it('an internal note does not read the deadlines; acknowledging meets the clock', async () => {
    const report = await submit();
    const note = await statementsOf('POST', `/api/v1/reports/${report.key}/messages`, {
      kind: 'internal_note',
      body: 'Reproduced on staging.',
    });
    // The note itself was recorded (an event appended) ...
    expect(touches(note, 'events')).toBeGreaterThan(0);
    // ... and the clocks were left alone.
    expect(touches(note, 'deadlines')).toBe(0);
    expect(await ackDeadline(report.id)).toEqual({ status: 'pending', met_by: null });

    const ack = await statementsOf('POST', `/api/v1/reports/${report.key}/acknowledge`);
    expect(touches(ack, 'deadlines')).toBeGreaterThan(0);
    expect(await ackDeadline(report.id)).toEqual({
      status: 'met',
      met_by: 'report.acknowledged',
    });
  });

  it('raising the emergency still moves the acknowledgment deadline', async () => {
    const report = await submit();
    const before = await t.container.db
      .selectFrom('deadlines')
      .select('due_at')
      .where('subject_id', '=', report.id)
      .executeTakeFirstOrThrow();
    const raised = await statementsOf('PUT', `/api/v1/reports/${report.key}/emergency`, {
      emergency: true,
      reason: 'Being used now.',
    });
    expect(touches(raised, 'deadlines')).toBeGreaterThan(0);
    const after = await t.container.db
      .selectFrom('deadlines')
      .select('due_at')
      .where('subject_id', '=', report.id)
      .executeTakeFirstOrThrow();
    expect(Number(after.due_at)).toBeLessThan(Number(before.due_at));
  });
});
