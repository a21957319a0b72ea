// The status page's subscription pages, feeds and subscriber e-mails in the language its config
// names (STOPLINE_STATUS_LANGUAGE=de; issue 13, item 6): subscribing, its refusals, the mailbox
// page, confirming, the subscriber's own page and unsubscribing say German with <html lang="de">;
// the confirmation, a published update and a maintenance's notices arrive at a real SMTP server in
// German; the Atom and RSS feeds say German. What staff wrote stays as written.
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFor } from '../helpers/auth.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import {
  linkIn,
  ownPageHeaders,
  recipientsOf,
  statusSubscriptions,
  succeeding,
} from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;
const call = succeeding(() => t);
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const ENGLISH =
  /Subscribe to updates|Your e-mail address|There is a problem|Check your mailbox|Confirm your subscription|Your subscription|>Unsubscribe<|You are unsubscribed|\(required\)|Skip to the content/;

beforeAll(async () => {
  t = await createTestApp({
    env: { STOPLINE_STATUS_LANGUAGE: 'de', STOPLINE_STATUS_PAGE_NAME: 'Acme Status' },
  });
  t.clock.set('2026-03-02T14:05:00Z');
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

const { deliver, subscribe } = statusSubscriptions(() => t, {
  get port() {
    return smtp.port;
  },
  get received() {
    return smtp.received;
  },
});
const mailTo = (mails: ParsedMail[], address: string) =>
  mails.find((m) => recipientsOf(m).includes(address))!;

function post(url: string, form: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) for (const x of [v].flat()) body.append(k, x);
  return t.app.inject({ method: 'POST', url, headers: ownPageHeaders, payload: body.toString() });
}

describe('subscribing to the status page in German', () => {
  it('the pages, the e-mails and the feeds say their fixed words in German', async () => {
    const admin = (await createTokenFor(t, 'admin')).headers;
    const comms = (await createTokenFor(t, 'comms')).headers;
    const api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;

    const form = await t.app.inject({ url: '/status/subscribe' });
    expect(form.body).toContain('<html lang="de">');
    expect(form.body).toContain('<h1>Meldungen abonnieren</h1>');
    expect(form.body).toContain('Ihre E-Mail-Adresse (Pflichtfeld)');
    expect(form.body).toContain('<legend>Komponenten</legend>');
    expect(form.body).toContain('Wählen Sie die Teile, die Sie nutzen.');
    expect(form.body).toContain('<button type="submit">Abonnieren</button>');
    expect(form.body).toContain('Zum Inhalt springen');
    expect(form.body).not.toMatch(ENGLISH);

    const bad = await subscribe('kein Adresse');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('Es gibt ein Problem');
    expect(bad.body).toContain('Geben Sie eine E-Mail-Adresse ein, etwa name@example.com');
    expect(bad.body).toContain('<span class="visually-hidden">Fehler: </span>');
    expect(bad.body).not.toMatch(ENGLISH);
    const unknown = await subscribe('eva@example.org', ['no-such-component']);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.body).toContain('diese Komponente gibt es auf dieser Seite nicht');

    const sent = await subscribe('eva@example.org', [api]);
    expect(sent.statusCode).toBe(202);
    expect(sent.body).toContain('<h1>Sehen Sie in Ihr Postfach</h1>');
    expect(sent.body).toContain('Der Link gilt 48 Stunden.');
    expect(sent.body).not.toMatch(ENGLISH);

    const confirmation = mailTo(await deliver(), 'eva@example.org');
    expect(confirmation.subject).toBe('Bestätigen Sie Ihr Abonnement von Acme Status');
    expect(confirmation.text).toContain(
      'Jemand, vermutlich Sie, möchte Meldungen von Acme Status an diese Adresse erhalten.',
    );
    expect(confirmation.text).toContain('Zum Bestätigen öffnen Sie diesen Link vor');
    expect(confirmation.text).not.toMatch(/Someone|To confirm/);

    const link = linkIn(confirmation, '/status/subscription/confirm');
    const ask = await t.app.inject({ url: link.pathname + link.search });
    expect(ask.body).toContain('<html lang="de">');
    expect(ask.body).toContain('<h1>Abonnement bestätigen</h1>');
    expect(ask.body).toContain(
      'Meldungen von Acme Status an <strong>eva@example.org</strong> senden?',
    );
    expect(ask.body).toContain('<button type="submit">Bestätigen</button>');
    expect(ask.body).not.toMatch(ENGLISH);
    const confirmed = await post('/status/subscription/confirm', {
      token: link.searchParams.get('token')!,
    });
    expect(confirmed.statusCode).toBe(200);
    expect(confirmed.body).toContain('<h1>Ihr Abonnement</h1>');
    expect(confirmed.body).toContain('Sie haben abonniert.');
    expect(confirmed.body).toContain(
      'Meldungen von Acme Status gehen an <strong>eva@example.org</strong>.',
    );
    expect(confirmed.body).toContain('<button type="submit">Speichern</button>');
    expect(confirmed.body).toContain('<button type="submit">Abbestellen</button>');
    expect(confirmed.body).not.toMatch(ENGLISH);
    const manage = /action="(\/status\/subscription\?token=[^"]+)"/
      .exec(confirmed.body)![1]!
      .replace(/&amp;/g, '&');

    // A published update, in German, with its links in German words.
    const incident = await call('POST', '/api/v1/status/incidents', comms, {
      name: 'Payments <b>failing</b>',
      impact: 'major',
      body: 'Card payments fail.',
      components: [{ componentId: api, status: 'partial_outage' }],
    });
    const update = mailTo(await deliver(), 'eva@example.org');
    expect(update.subject).toBe('[Acme Status] Payments <b>failing</b>: Wird untersucht');
    expect(update.text).toContain('Auswirkung: Erheblich');
    expect(update.text).toContain('Card payments fail.');
    expect(update.text).toContain('Komponenten:\n- API: Funktioniert -> Teilweiser Ausfall');
    expect(update.text).toContain(
      `Alle Meldungen: ${t.container.config.baseUrl}/status/incidents/${incident.id}`,
    );
    expect(update.text).toMatch(/Wählen Sie, wovon Sie hören: \S+\/status\/subscription\?token=/);
    expect(update.text).toMatch(/Abbestellen: \S+\/status\/subscription\/unsubscribe\?token=/);
    expect(update.text).not.toMatch(/Impact|Every update|Choose what|Unsubscribe|Investigating/);

    // A maintenance: announced, then called off, in German.
    const start = t.clock.now() + 5 * HOUR;
    const maintenance = await call('POST', '/api/v1/status/maintenances', comms, {
      name: 'Database upgrade',
      body: 'Read-only for an hour.',
      scheduledFor: iso(start),
      scheduledUntil: iso(start + HOUR),
      componentIds: [api],
    });
    const announced = mailTo(await deliver(), 'eva@example.org');
    expect(announced.subject).toBe('[Acme Status] Database upgrade: Geplante Wartung');
    expect(announced.text).toContain('Geplante Wartung: Geplant');
    expect(announced.text).toContain(`Zeitraum: ${iso(start)} bis ${iso(start + HOUR)}`);
    expect(announced.text).toContain('Komponenten: API');
    expect(announced.text).toContain(
      `Einzelheiten: ${t.container.config.baseUrl}/status/maintenance/${maintenance.id}`,
    );
    expect(announced.text).not.toMatch(/Scheduled|Window|Details|Components/);
    await call('POST', `/api/v1/status/maintenances/${maintenance.id}/cancel`, comms, {
      body: 'Not needed.',
    });
    const cancelled = mailTo(await deliver(), 'eva@example.org');
    expect(cancelled.subject).toBe('[Acme Status] Database upgrade: Abgesagt');
    expect(cancelled.text).toContain('Zeitraum (abgesagt):');

    // The feeds.
    const atom = (await t.app.inject({ url: '/status/history.atom' })).body;
    expect(atom).toContain('<title>Acme Status: Störungsverlauf</title>');
    expect(atom).toContain('Wird untersucht');
    expect(atom).toContain('02.03.2026, 14:05 UTC');
    expect(atom).not.toMatch(/incident history|Investigating/);
    const rss = (await t.app.inject({ url: '/status/history.rss' })).body;
    expect(rss).toContain('<language>de</language>');
    expect(rss).toContain('Acme Status: Störungsverlauf');
    expect(rss).toContain('Wird untersucht');

    // The own page's refusal, then unsubscribing.
    const refused = await post(manage, { components: ['no-such-component'] });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Es gibt ein Problem');
    expect(refused.body).toContain('diese Komponente gibt es auf dieser Seite nicht');
    const saved = await post(manage, { components: [api] });
    expect(saved.body).toContain('Gespeichert.');
    const leaveUrl = manage.replace('/status/subscription?', '/status/subscription/unsubscribe?');
    const leave = await t.app.inject({ url: leaveUrl });
    expect(leave.body).toContain('<html lang="de">');
    expect(leave.body).toContain('<h1>Abbestellen</h1>');
    expect(leave.body).toContain(
      'Keine Meldungen von Acme Status mehr an <strong>eva@example.org</strong> senden?',
    );
    expect(leave.body).not.toMatch(ENGLISH);
    const gone = await post(leaveUrl, { 'List-Unsubscribe': 'One-Click' });
    expect(gone.statusCode).toBe(200);
    expect(gone.body).toContain('<h1>Sie haben abbestellt</h1>');
    expect(gone.body).toContain('Wir senden keine Meldungen mehr an diese Adresse');
    expect(gone.body).not.toMatch(ENGLISH);

    // The same link once used, a mistyped one and an unknown incident: the status site's own error
    // page, in German, leading back to the status page (not to the report form).
    for (const url of [leaveUrl, '/status/subscription?token=abc', '/status/incidents/nope']) {
      const error = await t.app.inject({ url });
      expect(error.statusCode, url).toBe(404);
      expect(error.headers['content-type']).toContain('text/html');
      expect(error.body).toContain('<html lang="de">');
      expect(error.body).toContain('<h1>Seite nicht gefunden</h1>');
      expect(error.body).toContain('<a href="/status">Zurück zur Statusseite</a>');
      expect(error.body).not.toContain('/report');
      expect(error.body).not.toMatch(ENGLISH);
    }
  });
});
