// Every link in a notice Stopline delivers leads to a page that exists: the console's page of the
// incident or report under /app (or the reporter portal, for reporters), on the server at
// STOPLINE_BASE_URL. Followed with a plain HTTP GET against the running server (in the browser
// tier: it serves the built console).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/server/clock.ts';
import { systemActor } from '../../src/server/domain/actor.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import { startBrowserApp, type BrowserApp } from '../helpers/browser.ts';
import {
  startHttpReceiver,
  startSmtpReceiver,
  smtpWorkerFor,
  type HttpReceiver,
  type SmtpReceiver,
} from '../helpers/delivery.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';

let t: BrowserApp;
let smtp: SmtpReceiver;
let receiver: HttpReceiver;

beforeAll(async () => {
  t = await startBrowserApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '1000' } });
  smtp = await startSmtpReceiver();
  receiver = await startHttpReceiver();
});
afterAll(async () => {
  await receiver.stop();
  await smtp.stop();
  await t.close();
});

/** Every http(s) URL in a text, as a reader's mail or chat client would make links of them. */
function linksIn(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'<>)]+/g)].map((m) => m[0].replace(/[.,;]$/, ''));
}

async function deliverAll() {
  const worker = smtpWorkerFor(t, smtp);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  expect(round.failed + round.dead).toBe(0);
  await smtp.waitFor(await countEmails());
}

async function countEmails() {
  const rows = await t.container.db
    .selectFrom('outbox')
    .select('id')
    .where('channel', '=', 'email')
    .execute();
  return rows.length;
}

/** What every delivered notice links to: e-mail text and HTML, Slack, chat and webhook bodies. */
function deliveredLinks(): Set<string> {
  const links = new Set<string>();
  for (const mail of smtp.received) {
    for (const link of linksIn(mail.text ?? '')) links.add(link);
    for (const link of linksIn(typeof mail.html === 'string' ? mail.html : '')) links.add(link);
  }
  for (const request of receiver.requests) {
    for (const link of linksIn(request.body)) links.add(link);
  }
  return links;
}

describe('links in delivered notices', () => {
  it('every link opens a page of the console or the portal on the running server, none is a 404', async () => {
    for (const kind of ['standard', 'slack', 'chat'] as const) {
      await t.container.services.notifications.createEndpoint(systemActor, {
        kind,
        name: `${kind} receiver`,
        url: receiver.url,
        eventTypes: ['incident.line_stopped'],
      });
    }
    await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    // The line stops: e-mail to responders, and every endpoint.
    const incident = await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({
        title: 'Customer data exposed',
        severity: 'P0',
        severityRationale: 'seen',
        severityOverride: EMERGENCY,
      }),
    );
    // A reporter hears that their report was acknowledged, with the portal link.
    const report = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: 's', description: 'd', contact: { email: 'ada@example.org' } },
    });
    const { key: reportKey } = report.json() as { key: string };
    const staff = await loginAs(t, 'responder');
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${reportKey}/acknowledge`,
      headers: staff.headers,
    });
    expect(ack.statusCode, ack.body).toBe(200);
    // A report nobody acknowledges, and the incident nobody answers: deadline notices to the lead.
    const waiting = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: 'Open redirect', description: 'd' },
    });
    const { key: waitingKey } = waiting.json() as { key: string };
    t.clock.advance(12 * HOUR);
    const scheduler = new Scheduler({
      deadlines: t.container.services.clocks,
      clock: t.clock,
      workerId: 'links',
    });
    expect(await scheduler.tick(t.clock.now())).toBeGreaterThan(0);
    await deliverAll();

    const links = [...deliveredLinks()];
    const incidentPage = `${t.baseUrl}/app/incidents/${incident.key}`;
    const portal = `${t.baseUrl}/portal`;
    const reportPage = `${t.baseUrl}/app/reports/${waitingKey}`;
    expect(links).toContain(incidentPage);
    expect(links).toContain(reportPage);
    expect(links).toContain(portal);
    const leadMail = smtp.received.filter(
      (m) => m.to && 'text' in m.to && m.to.text === 'lead@example.org',
    );
    const deadlineMail = leadMail.filter(
      (m) => m.subject?.startsWith('Deadline missed') || m.subject?.startsWith('Reminder'),
    );
    expect(deadlineMail.map((m) => m.text).join('\n')).toContain(incidentPage);
    expect(deadlineMail.map((m) => m.text).join('\n')).toContain(reportPage);
    for (const link of links) {
      expect(link.startsWith(`${t.baseUrl}/`), link).toBe(true);
      const res = await fetch(link);
      expect(res.status, link).toBe(200);
      expect(res.headers.get('content-type'), link).toMatch(/^text\/html/);
      const body = await res.text();
      if (link === portal) expect(body).toContain('Report key');
      else expect(body, link).toContain('<div id="root"></div>');
    }
  });

  it('the server answers only the console’s own pages: an address it does not have is a 404', async () => {
    for (const path of ['/incidents/INC-2026-0001', '/app/incident/INC-2026-0001', '/app/nope']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status, path).toBe(404);
    }
    for (const path of ['/app/', '/app/deadlines', '/app/reports/RPT-0001', '/app/admin/outbox']) {
      const res = await fetch(`${t.baseUrl}${path}`);
      expect(res.status, path).toBe(200);
    }
  });
});
