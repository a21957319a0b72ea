// The status page in the language its config names (STOPLINE_STATUS_LANGUAGE=de; issue 13, item
// 6): the page, an incident's page, a maintenance's page and the history say everything fixed in
// German, with <html lang="de"> and dates in German form; what staff wrote stays as written. An
// unknown language stops the start, named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
const call = succeeding(() => t);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

beforeAll(async () => {
  t = await createTestApp({
    env: { STOPLINE_STATUS_LANGUAGE: 'de', STOPLINE_STATUS_PAGE_NAME: 'Acme Status' },
  });
  t.clock.set('2026-03-02T14:05:00Z');
});
afterAll(async () => t.close());

describe('the status page in German', () => {
  it('says its fixed words in German, with lang="de" and German dates', async () => {
    const admin = (await createTokenFor(t, 'admin')).headers;
    const comms = (await createTokenFor(t, 'comms')).headers;
    const api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;
    let page = (await t.app.inject({ url: '/status' })).body;
    expect(page).toContain('<html lang="de">');
    expect(page).toContain('Alle Systeme funktionieren');
    expect(page).toContain('Zum Inhalt springen');
    expect(page).toContain('Keine Störungen gemeldet.');
    expect(page).toContain('aria-label="API: die letzten 90 Tage"');
    expect(page).toContain(
      'Aktualisiert <time datetime="2026-03-02T14:05:00.000Z">02.03.2026, 14:05 UTC</time>',
    );
    expect(page).not.toMatch(
      /All Systems Operational|Past incidents|Components<|Skip to the content/,
    );

    const incident = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Payments failing',
      impact: 'major',
      body: 'Card payments fail.',
      components: [{ componentId: api, status: 'partial_outage' }],
    });
    const start = t.clock.now() + 3 * HOUR;
    const maintenance = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Database upgrade',
      body: 'Read-only.',
      scheduledFor: iso(start),
      scheduledUntil: iso(start + HOUR),
      componentIds: [api],
    });
    page = (await t.app.inject({ url: '/status' })).body;
    expect(page).toContain('Teilweiser Systemausfall');
    expect(page).toContain('Aktuelle Störungen');
    expect(page).toContain('Auswirkung: Erheblich');
    expect(page).toContain('Wird untersucht');
    expect(page).toContain('Geplante Wartung');
    expect(page).toContain('Geplant · <time');
    expect(page).toContain('2026-03-02: Teilweiser Ausfall. Payments failing');
    expect(page).toContain('Verfolgen: <a href="/status/subscribe">per E-Mail</a>');

    const own = (await t.app.inject({ url: `/status/incidents/${incident.id}` })).body;
    expect(own).toContain('<html lang="de">');
    expect(own).toMatch(/<dt>Auswirkung<\/dt>\s*<dd>Erheblich<\/dd>/);
    expect(own).toContain('Betroffene Komponenten');
    expect(own).toContain('API: Funktioniert →');
    const m = (await t.app.inject({ url: `/status/maintenance/${maintenance.id}` })).body;
    expect(m).toMatch(
      /<dt>Geplant für<\/dt>\s*<dd><time datetime="2026-03-02T17:05:00.000Z">02.03.2026, 17:05 UTC<\/time><\/dd>/,
    );
    expect(m).toContain('Komponenten in Wartung');
    const history = (await t.app.inject({ url: '/status/history?month=2026-03' })).body;
    expect(history).toContain('<h1>Störungsverlauf, 2026-03</h1>');
    expect(history).toContain('Älter: 2026-02');
    const empty = (await t.app.inject({ url: '/status/history?month=2001-02' })).body;
    expect(empty).toContain('Keine Störungen im 2001-02 gemeldet.');
  });

  it('refuses a language it does not speak, naming the setting', () => {
    expect(() => loadConfig({ STOPLINE_STATUS_LANGUAGE: 'fr' })).toThrow(
      /STOPLINE_STATUS_LANGUAGE/,
    );
  });
});
