// ntfy as a personal channel (issue 21, item 4): a person gives their topic URL (and its access
// token, stored sealed, never listed back); notices they chose ntfy for are POSTed to it per
// ntfy's publish API, through the outbox with its retries. Checked against a local HTTP server
// that records the request as ntfy would receive it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { FakeClock } from '../../src/server/clock.ts';
import { loginAs } from '../helpers/auth.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { startHttpReceiver, workerFor, type HttpReceiver } from '../helpers/delivery.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let ntfy: HttpReceiver;

const TOKEN = 'tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2';

beforeEach(async () => {
  t = await createTestApp({ clock: new FakeClock('2026-03-02T09:00:00Z') });
  ntfy = await startHttpReceiver();
});
afterEach(async () => {
  await ntfy.stop();
  await t.close();
});

const base = () => t.container.config.baseUrl.replace(/\/+$/, '');
const topicUrl = () => ntfy.url.replace('/hooks/stopline', '/stopline-oncall-7f3a9c');

async function onCall(prefs: Record<string, unknown> = {}) {
  const { userId, headers } = await loginAs(t, 'responder');
  const put = await t.app.inject({
    method: 'PUT',
    url: '/api/v1/me/notification-preferences',
    headers,
    payload: { ntfy: { url: topicUrl(), token: TOKEN }, ...prefs },
  });
  expect(put.statusCode).toBe(200);
  return { userId, headers };
}

function submit(summary: string, emergency: boolean) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What the reporter saw.', emergency }),
    [],
    { ip: '127.0.0.1' },
  );
}

/** One delivery round with no SMTP server: e-mail waits, ntfy goes. */
async function deliver() {
  const worker = workerFor(t, null);
  const round = await worker.deliverDue(t.clock.now());
  await worker.close();
  return round;
}

async function ntfyRows() {
  return t.container.db
    .selectFrom('outbox')
    .select(['status', 'attempts', 'next_attempt_at', 'last_error'])
    .where('channel', '=', 'ntfy')
    .execute();
}

describe('my ntfy topic', () => {
  it('is kept with its token sealed, never listed back; an internal address is refused', async () => {
    const { userId, headers } = await onCall();
    const read = await t.app.inject({ url: '/api/v1/me/notification-preferences', headers });
    expect(read.json()).toMatchObject({ ntfy: { url: topicUrl(), hasToken: true } });
    expect(read.body).not.toContain(TOKEN);
    const stored = await t.container.db
      .selectFrom('notification_ntfy_topics')
      .selectAll()
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();
    expect(stored.sealed_token).not.toContain(TOKEN);

    // Saved again without a token (the settings page does so): the stored one stays.
    const again = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { ntfy: { url: topicUrl() } },
    });
    expect(again.json()).toMatchObject({ ntfy: { hasToken: true } });
    // Another server never gets the token given for this one.
    const moved = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { ntfy: { url: 'https://ntfy.sh/stopline-oncall-7f3a9c' } },
    });
    expect(moved.json()).toMatchObject({ ntfy: { hasToken: false } });

    const metadata = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { ntfy: { url: 'http://169.254.169.254/latest/meta-data' } },
    });
    expect(metadata.statusCode).toBe(422);
    expect(metadata.json().errors).toEqual([
      { field: 'ntfy.url', message: expect.stringContaining('169.254.169.254') },
    ]);
    const badToken = await t.app.inject({
      method: 'PUT',
      url: '/api/v1/me/notification-preferences',
      headers,
      payload: { ntfy: { url: topicUrl(), token: 'tk_x\r\nX-Injected: yes' } },
    });
    expect(badToken.statusCode).toBe(400);
    expect(JSON.stringify(badToken.json().errors)).toContain('ntfy.token');
  });
});

describe('a push to my ntfy topic', () => {
  it('wakes the on-call responder for a critical report, through quiet hours, with the documented request', async () => {
    // Asleep from 08:00 to 18:00 UTC: an ordinary report waits, an emergency does not.
    await onCall({ quietHours: { start: '08:00', end: '18:00', timeZone: 'UTC' } });
    const plain = await submit('Typo on the login page', false);
    expect(await deliver()).toMatchObject({ delivered: 0 });
    expect((await ntfyRows()).map((r) => Number(r.next_attempt_at))).toEqual([
      Date.parse('2026-03-02T18:00:00Z'),
    ]);

    const urgent = await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ delivered: 1 });
    await ntfy.waitFor(1);
    const [push] = ntfy.requests;
    expect(push!.method).toBe('POST');
    expect(push!.url).toBe('/stopline-oncall-7f3a9c');
    expect(push!.headers).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      'content-type': 'text/plain; charset=utf-8',
      title: `Emergency security report: ${urgent.key} Customer database is public`,
      priority: 'urgent',
      tags: 'rotating_light',
      click: `${base()}/app/reports/${urgent.key}`,
    });
    // A page: the Acknowledge button opens this person's acknowledge link.
    const actions = String(push!.headers.actions);
    expect(actions).toMatch(/^view, Acknowledge, \S+, clear=true$/);
    expect(actions.split(', ')[2]).toMatch(new RegExp(`^${base()}/ack\\?token=[A-Za-z0-9_%-]+$`));
    expect(push!.body).toContain('Acknowledge it by 2026-03-02T09:15:00.000Z');
    expect(push!.body).not.toContain(plain.key);

    // At the end of quiet hours the ordinary one goes, as an ordinary notification.
    t.clock.set(Date.parse('2026-03-02T18:00:00Z'));
    expect(await deliver()).toMatchObject({ delivered: 1 });
    await ntfy.waitFor(2);
    expect(ntfy.requests[1]!.headers).toMatchObject({
      priority: 'default',
      tags: 'bell',
      title: `New security report: ${plain.key} Typo on the login page`,
    });
    expect(ntfy.requests[1]!.headers.actions).toBeUndefined();
  });

  it('tells me the line stopped, urgently, even though I chose no ntfy for anything', async () => {
    await onCall({ channels: { report_received: ['email'] } });
    const incident = await t.container.services.incidents.openIncident(
      admin('opener'),
      incidentInput({
        title: 'Customer data exposed',
        source: 'monitoring',
        severity: 'P0',
        severityRationale: 'Customer data is being downloaded',
        severityOverride: EMERGENCY,
      }),
    );
    expect(incident.lineStopped).toBe(true);
    await deliver();
    await ntfy.waitFor(1);
    expect(ntfy.requests[0]!.headers).toMatchObject({
      title: `Line stopped: ${incident.key} Customer data exposed`,
      priority: 'urgent',
      click: `${base()}/app/incidents/${incident.key}`,
    });
  });

  it('is tried again after a 500 and delivered once', async () => {
    await onCall();
    ntfy.answers.push(500);
    await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ failed: 1 });
    const [failed] = await ntfyRows();
    expect(failed).toMatchObject({
      status: 'pending',
      attempts: 1,
      last_error: 'HTTP 500 from the ntfy server',
    });
    t.clock.advance(30_000);
    expect(await deliver()).toMatchObject({ delivered: 1 });
    t.clock.advance(3_600_000);
    expect(await deliver()).toMatchObject({ delivered: 0, failed: 0 });
    expect(ntfy.requests).toHaveLength(2);
    expect((await ntfyRows())[0]).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('is a dead letter at once when the server refuses the token', async () => {
    await onCall();
    ntfy.answers.push(403);
    await submit('Customer database is public', true);
    expect(await deliver()).toMatchObject({ dead: 1 });
    expect((await ntfyRows())[0]).toMatchObject({
      status: 'dead',
      last_error: 'HTTP 403 from the ntfy server: the credentials may not publish here',
    });
  });

  it('carries hostile text inertly: no line break reaches a header', async () => {
    await onCall();
    const report = await submit(
      'Ünïcode 🚨 title\r\nX-Injected: yes\r\n\r\nsmuggled body\t and\u2028more',
      true,
    );
    await deliver();
    await ntfy.waitFor(1);
    const { headers, body } = ntfy.requests[0]!;
    expect(headers['x-injected']).toBeUndefined();
    // Beyond ASCII, the title is an RFC 2047 encoded word, which ntfy decodes.
    const title = String(headers.title);
    const encoded = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(title);
    expect(encoded).not.toBeNull();
    expect(Buffer.from(encoded![1]!, 'base64').toString('utf8')).toBe(
      `Emergency security report: ${report.key} Ünïcode 🚨 title X-Injected: yes smuggled body and more`,
    );
    expect(body).toContain(report.key);
  });
});
