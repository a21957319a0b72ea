// The page's 90-day bars and the history by month (issue 13, item 6): a day an incident was open
// shows its worst status and the incident's name as text; the month's page lists it; a bad month
// is refused; the bars move on with the day (the kept answer is not reused the next day).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFor } from '../helpers/auth.ts';
import { succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const call = succeeding(() => t);

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('the 90-day bars and the history by month', () => {
  it('shows the day of an incident, its month, and moves on with the day', async () => {
    const admin = (await createTokenFor(t, 'admin')).headers;
    const comms = (await createTokenFor(t, 'comms')).headers;
    const api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;
    const incident = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Payments <b>failing</b>',
      impact: 'major',
      body: 'Card payments fail.',
      components: [{ componentId: api, status: 'partial_outage' }],
    });
    await call('POST', `/api/v1/status/incidents/${incident.id}/updates`, comms, {
      status: 'resolved',
      body: 'Fixed.',
    });
    const day = new Date(t.clock.now()).toISOString().slice(0, 10);
    const page = (await t.app.inject({ url: '/status' })).body;
    expect(page).toContain('aria-label="API: the last 90 days"');
    expect(page.match(/<li class="day /g)).toHaveLength(90);
    expect(page).toContain(`href="/status/history?month=${day.slice(0, 7)}#day-${day}"`);
    expect(page).toContain(`${day}: Partial outage. Payments &lt;b&gt;failing&lt;/b&gt;`);
    expect(page).toMatch(/class="day day-partial_outage"/);

    const history = await t.app.inject({ url: `/status/history?month=${day.slice(0, 7)}` });
    expect(history.statusCode).toBe(200);
    expect(history.body).toContain(`id="day-${day}"`);
    expect(history.body).toContain('Payments &lt;b&gt;failing&lt;/b&gt;');
    expect((await t.app.inject({ url: '/status/history?month=2026-13' })).statusCode).toBe(400);
    const empty = await t.app.inject({ url: '/status/history?month=2001-02' });
    expect(empty.body).toContain('No incidents reported in 2001-02.');

    // Nothing is recorded overnight, yet the next day's bar has the incident one day back.
    t.clock.advance(86_400_000);
    const next = (await t.app.inject({ url: '/status' })).body;
    const marks = [...next.matchAll(/<li class="day day-([a-z_]+)"/g)].map((m) => m[1]);
    expect(marks[88]).toBe('partial_outage');
    expect(marks[89]).toBe('operational');
  });
});
