import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import {
  measureDeadlines,
  type MeasuredDeadline,
} from '../../src/server/domain/clocks/measure-rules.ts';
import { createTokenFor, loginAs } from '../helpers/auth.ts';
import { createIncidentsContext, incidentInput, responder } from '../helpers/incidents-context.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

const at = (iso: string) => Date.parse(iso);
const row = (overrides: Partial<MeasuredDeadline>): MeasuredDeadline => ({
  kind: 'response',
  status: 'met',
  startedAt: at('2026-11-02T10:00:00Z'),
  dueAt: at('2026-11-02T10:15:00Z'),
  metAt: at('2026-11-02T10:10:00Z'),
  severity: 'P0',
  ...overrides,
});

describe('measures from the recorded deadlines', () => {
  it('time to respond per severity, time to acknowledge, and the share met per kind and month', () => {
    const m = measureDeadlines(
      [
        row({}),
        row({ metAt: at('2026-11-02T10:20:00Z') }),
        row({
          severity: 'P2',
          dueAt: at('2026-11-02T14:00:00Z'),
          metAt: at('2026-11-02T11:00:00Z'),
        }),
        row({ status: 'pending', metAt: null, dueAt: at('2026-12-01T10:15:00Z') }),
        row({ status: 'cancelled', metAt: null }),
        row({
          kind: 'reporter_acknowledgment',
          severity: null,
          dueAt: at('2026-11-03T10:00:00Z'),
          metAt: at('2026-11-02T16:00:00Z'),
        }),
      ],
      at('2026-12-02T00:00:00Z'),
    );
    expect(m.timeToRespond).toEqual({
      P0: { count: 2, medianMs: 10 * MINUTE, p90Ms: 20 * MINUTE },
      P2: { count: 1, medianMs: HOUR, p90Ms: HOUR },
    });
    expect(m.timeToAcknowledge).toEqual({ count: 1, medianMs: 6 * HOUR, p90Ms: 6 * HOUR });
    expect(m.shareMet).toEqual([
      { month: '2026-11', kind: 'reporter_acknowledgment', counted: 1, metOnTime: 1, share: 1 },
      { month: '2026-11', kind: 'response', counted: 3, metOnTime: 2, share: 2 / 3 },
      { month: '2026-12', kind: 'response', counted: 1, metOnTime: 0, share: 0 },
    ]);
  });
});

describe('GET /api/v1/deadlines/measures and GET /metrics', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('answer the measures as JSON, and to a scraper in the Prometheus text format', async () => {
    const lead = await loginAs(t, 'security_lead');
    const opened = await t.app.inject({
      method: 'POST',
      url: '/api/v1/incidents',
      headers: lead.headers,
      payload: { title: 'Measured', severity: 'P1', severityOverride: EMERGENCY },
    });
    const key = opened.json().key as string;
    t.clock.advance(20 * MINUTE);
    const lead2 = await loginAs(t, 'security_lead');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/incidents/${key}/notes`,
      headers: lead2.headers,
      payload: { text: 'On it' },
    });
    const json = await t.app.inject({
      method: 'GET',
      url: '/api/v1/deadlines/measures',
      headers: lead2.headers,
    });
    expect(json.statusCode).toBe(200);
    expect(json.json().timeToRespond.P1).toEqual({
      count: 1,
      medianMs: 20 * MINUTE,
      p90Ms: 20 * MINUTE,
    });

    // Prometheus scrapes with an admin's token scoped to metrics.read alone.
    const scraper = await createTokenFor(t, 'admin', ['metrics.read']);
    const text = await t.app.inject({ method: 'GET', url: '/metrics', headers: scraper.headers });
    expect(text.statusCode).toBe(200);
    expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(text.body).toContain('# TYPE stopline_time_to_respond_seconds gauge');
    expect(text.body).toContain(
      'stopline_time_to_respond_seconds{severity="P1",quantile="0.5"} 1200',
    );
    expect(text.body).toContain('stopline_time_to_respond_samples{severity="P1"} 1');
    expect(text.body).toMatch(
      /^stopline_deadlines_met_ratio\{kind="response",month="\d{4}-\d\d"\} 1$/m,
    );
    expect(text.body).toMatch(/^process_cpu_user_seconds_total \d/m);
  });

  it('is only for those with metrics.read: admins and the tokens they scope to it', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.headers['content-type']).toMatch(/^application\/problem\+json/);
    const lead = await loginAs(t, 'security_lead');
    expect((await t.app.inject({ url: '/metrics', headers: lead.headers })).statusCode).toBe(403);
    const reader = await createTokenFor(t, 'admin', ['deadlines.read']);
    expect((await t.app.inject({ url: '/metrics', headers: reader.headers })).statusCode).toBe(403);
    const admin = await loginAs(t, 'admin');
    expect((await t.app.inject({ url: '/metrics', headers: admin.headers })).statusCode).toBe(200);
    // The old place is gone; the API description names the new one.
    const old = await t.app.inject({ url: '/api/v1/deadlines/metrics', headers: admin.headers });
    expect(old.statusCode).toBe(404);
    const doc = (await t.app.inject({ url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, { get?: { responses: Record<string, { content: object }> } }>;
    };
    expect(Object.keys(doc.paths['/metrics']!.get!.responses['200']!.content)).toEqual([
      'text/plain; version=0.0.4; charset=utf-8',
    ]);
  });
});

describe('time to respond is counted under the severity the response was due under', () => {
  it('a P2 raised to P0 and answered counts as P0, even if lowered to P1 afterwards', async () => {
    const c = await createIncidentsContext();
    try {
      const svc = c.container.services.incidents;
      const dev = responder('dev');
      c.clock.set('2026-11-02T10:00:00Z');
      const incident = await svc.openIncident(
        dev,
        incidentInput({
          title: 'Scraping',
          severity: 'P2',
          severityRationale: 'slow',
          severityOverride: EMERGENCY,
        }),
      );
      c.clock.set('2026-11-02T10:10:00Z');
      // Still before any reproduction: the security lead's emergency severity.
      await svc.setSeverity(dev, incident.id, undefined, 'P0', 'it is being exploited', EMERGENCY);
      const open = await c.container.services.clocks.listForIncident(dev, incident.id);
      // Every open deadline now carries the new severity.
      const pending = open.filter((d) => d.status === 'pending');
      expect(pending.map((d) => d.kind).sort()).toEqual([
        'customer_first_notice',
        'internal_update',
        'response',
      ]);
      expect(new Set(pending.map((d) => d.severity))).toEqual(new Set(['P0']));
      c.clock.set('2026-11-02T10:20:00Z');
      await svc.addNote(dev, incident.id, undefined, 'Blocked the scraper', 'internal');
      c.clock.set('2026-11-02T11:00:00Z');
      await svc.setSeverity(dev, incident.id, undefined, 'P1', 'contained', EMERGENCY);

      const m = await c.container.services.clocks.measures({
        from: Date.parse('2026-11-01T00:00:00Z'),
        to: Date.parse('2026-11-03T00:00:00Z'),
      });
      // The clock restarted at the raise (10:10); answered at 10:20.
      expect(m.timeToRespond).toEqual({
        P0: { count: 1, medianMs: 10 * MINUTE, p90Ms: 10 * MINUTE },
      });
    } finally {
      await c.close();
    }
  });

  it('a response answered before the incident had a severity counts under the one it then gets (issue 21)', async () => {
    const c = await createIncidentsContext();
    try {
      const svc = c.container.services.incidents;
      const dev = responder('dev');
      c.clock.set('2026-11-02T10:00:00Z');
      const incident = await svc.openIncident(dev, incidentInput({ title: 'Token replay' }));
      c.clock.set('2026-11-02T10:25:00Z');
      await svc.addNote(dev, incident.id, undefined, 'Looking at the logs', 'internal');
      c.clock.set('2026-11-02T11:00:00Z');
      await svc.setSeverity(dev, incident.id, undefined, 'P1', 'tokens can be replayed', EMERGENCY);

      const m = await c.container.services.clocks.measures({
        from: Date.parse('2026-11-01T00:00:00Z'),
        to: Date.parse('2026-11-03T00:00:00Z'),
      });
      expect(m.timeToRespond).toEqual({
        P1: { count: 1, medianMs: 25 * MINUTE, p90Ms: 25 * MINUTE },
      });
    } finally {
      await c.close();
    }
  });
});
