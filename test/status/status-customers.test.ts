// Subscribers as CSV and customers (issue 13, item 8). Admins import subscribers from a CSV file
// (checked whole: each bad line named, nothing imported; an address twice refused; an address
// already there left alone; new ones asked to confirm unless confirmed elsewhere) and export them
// formula-safe. Customers are organisations with contacts and the components they use; "notify
// affected customers" e-mails the latest published update to the contacts of the customers it
// affects (a real SMTP server) and meets the 4 h customer clock of the internal incident, or
// meets it late once breached (injected clock). Every route is checked per role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../../src/server/clock.ts';
import { listStreamEvents } from '../../src/server/db/event-store.ts';
import { Scheduler } from '../../src/server/workers/scheduler.ts';
import { loginAs } from '../helpers/auth.ts';
import { startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import {
  recipientsOf,
  statusSubscriptions,
  succeeding,
  type DeadlineItem,
} from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;
type Headers = Record<string, string>;
let admin: Headers;
let comms: Headers;
let viewer: Headers;
let api: string;
let web: string;
let formula: string;
const call = succeeding(() => t);

beforeAll(async () => {
  t = await createTestApp();
  smtp = await startSmtpReceiver();
  admin = (await loginAs(t, 'admin')).headers;
  comms = (await loginAs(t, 'comms')).headers;
  viewer = (await loginAs(t, 'viewer')).headers;
  api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;
  web = (await call('POST', '/api/v1/status/components', admin, { name: 'Web app' })).id;
  formula = (await call('POST', '/api/v1/status/components', admin, { name: '=1+1' })).id;
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

const { deliver } = statusSubscriptions(() => t, {
  get port() {
    return smtp.port;
  },
  get received() {
    return smtp.received;
  },
});

const importCsv = (csv: string, headers: Headers = admin, query = '') =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/status/subscribers/import${query}`,
    headers: { ...headers, 'content-type': 'text/csv' },
    payload: csv,
  });

async function subscribers() {
  return (await call('GET', '/api/v1/status/subscribers', admin)).items as {
    email: string;
    confirmed: boolean;
    componentIds: string[] | null;
  }[];
}

describe('subscribers as CSV', () => {
  it('a file with bad lines is refused whole, each line named; nothing is imported', async () => {
    const res = await importCsv(
      [
        'email,components',
        'good@example.org,API',
        'not-an-address,',
        'good@EXAMPLE.org,',
        'other@example.org,API; Billing',
        ',Web app',
      ].join('\r\n'),
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().errors).toEqual([
      { field: 'line.3.email', message: '"not-an-address" is not an e-mail address' },
      { field: 'line.4.email', message: 'good@EXAMPLE.org is already on line 2' },
      { field: 'line.5.components', message: 'no component named "Billing"' },
      { field: 'line.6.email', message: 'is missing' },
    ]);
    expect(await subscribers()).toEqual([]);
    expect(await deliver()).toEqual([]);

    const noHeader = await importCsv('good@example.org\r\n');
    expect(noHeader.statusCode).toBe(400);
    expect(noHeader.json().errors).toEqual([
      { field: 'line.1', message: 'needs an "email" column' },
    ]);
    const broken = await importCsv('email\r\n"open@example.org\r\n');
    expect(broken.statusCode).toBe(400);
    expect(broken.json().errors[0].field).toMatch(/^line\.\d+$/);
    const notCsv = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/subscribers/import',
      headers: admin,
      payload: { email: 'x@example.org' },
    });
    expect(notCsv.statusCode).toBe(400);
    expect(notCsv.json().errors).toEqual([
      { field: 'file', message: 'must be the CSV file itself, sent as text/csv' },
    ]);
  });

  it('imports new addresses as pending with a confirmation each, leaves existing ones, and exports formula-safe', async () => {
    const first = await importCsv(
      [
        'Email,Components',
        'ann@example.org,API',
        'bob@example.org,',
        '"cy@example.org","=1+1"',
      ].join('\n'),
    );
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ imported: 3, existing: [], confirmationSent: true });
    // Double opt-in holds for imported addresses: the confirmation and nothing else.
    const mails = await deliver();
    expect(mails.map(recipientsOf).flat().sort()).toEqual([
      'ann@example.org',
      'bob@example.org',
      'cy@example.org',
    ]);
    expect(mails.every((m) => m.subject === 'Confirm your subscription to Service status')).toBe(
      true,
    );
    await call('POST', '/api/v1/status/incidents', comms, {
      name: 'API slow',
      impact: 'minor',
      body: 'Slow.',
      components: [{ componentId: api, status: 'degraded_performance' }],
    });
    expect((await deliver()).flatMap(recipientsOf)).toEqual([]);

    // Again, with an address already there and one confirmed elsewhere: no duplicate, no e-mail.
    const second = await importCsv(
      'email,components\r\nANN@example.org,Web app\r\ndee@example.org,API\r\n',
      admin,
      '?confirmed=true',
    );
    expect(second.json()).toEqual({
      imported: 1,
      existing: [{ line: 2, email: 'ANN@example.org' }],
      confirmationSent: false,
    });
    const all = await subscribers();
    expect(all.filter((s) => s.email.toLowerCase() === 'ann@example.org')).toMatchObject([
      { confirmed: false, componentIds: [api] },
    ]);
    expect(all.find((s) => s.email === 'dee@example.org')).toMatchObject({
      confirmed: true,
      componentIds: [api],
    });
    expect(all.find((s) => s.email === 'cy@example.org')).toMatchObject({
      componentIds: [formula],
    });
    expect(await deliver()).toEqual([]);

    const exported = await t.app.inject({
      url: '/api/v1/status/subscribers/export',
      headers: admin,
    });
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toBe('text/csv; charset=utf-8');
    const lines = exported.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('email,components,confirmed,confirmed_at,subscribed_at');
    expect(lines).toContainEqual(expect.stringMatching(/^dee@example\.org,API,yes,\d{4}-/));
    expect(lines).toContainEqual(expect.stringMatching(/^bob@example\.org,,no,,\d{4}-/));
    // A cell a spreadsheet would run is made inert, and reads back as written.
    expect(lines).toContainEqual(expect.stringMatching(/^cy@example\.org,"'=1\+1",no,/));
    const roundTrip = await importCsv(exported.body);
    expect(roundTrip.json()).toMatchObject({ imported: 0 });
    expect(roundTrip.json().existing).toHaveLength(4);

    // The confirmation-free import reaches its subscribers at once.
    await call('POST', '/api/v1/status/incidents', comms, {
      name: 'API down',
      impact: 'major',
      body: 'Down.',
      components: [{ componentId: api, status: 'major_outage' }],
    });
    expect((await deliver()).flatMap(recipientsOf)).toEqual(['dee@example.org']);
  });

  it('only admins import and export', async () => {
    for (const headers of [comms, viewer]) {
      expect((await importCsv('email\r\nx@example.org\r\n', headers)).statusCode).toBe(403);
      const res = await t.app.inject({ url: '/api/v1/status/subscribers/export', headers });
      expect(res.statusCode).toBe(403);
    }
    expect((await t.app.inject({ url: '/api/v1/status/subscribers/export' })).statusCode).toBe(401);
  });
});

async function customerClocks(key: string, headers: Headers) {
  const { items } = (await call('GET', `/api/v1/incidents/${key}/deadlines`, headers)) as {
    items: DeadlineItem[];
  };
  return items.filter((d) => d.kind.startsWith('customer_'));
}

describe('customers', () => {
  let acme: { id: string };
  beforeAll(async () => {
    acme = await call('POST', '/api/v1/status/customers', admin, {
      name: 'Acme',
      componentIds: [api],
      contacts: [
        { name: 'Ops', email: 'ops@acme.example' },
        { name: 'CTO', email: 'cto@acme.example' },
      ],
    });
    await call('POST', '/api/v1/status/customers', admin, {
      name: 'Globex',
      componentIds: [web],
      contacts: [{ name: 'Help', email: 'help@globex.example' }],
    });
  });

  it('admins keep customers; whoever publishes reads them; bad input names the field', async () => {
    const list = await call('GET', '/api/v1/status/customers', comms);
    expect(list.items.map((c: { name: string }) => c.name)).toEqual(['Acme', 'Globex']);
    const bad = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/customers',
      headers: admin,
      payload: {
        name: 'acme',
        componentIds: ['nope'],
        contacts: [{ email: 'a@x.example' }, { email: 'A@x.example' }],
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toEqual([
      { field: 'componentIds.0', message: 'no such component' },
      { field: 'contacts.1.email', message: 'is already a contact above' },
    ]);
    const noContact = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/customers',
      headers: admin,
      payload: { name: 'Initech', componentIds: [api], contacts: [{ email: 'nope' }] },
    });
    expect(noContact.statusCode).toBe(400);
    expect(noContact.json().errors[0].field).toBe('contacts.0.email');
    const sameName = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/customers',
      headers: admin,
      payload: { name: 'ACME', componentIds: [api], contacts: [{ email: 'a@x.example' }] },
    });
    expect(sameName.json().errors).toEqual([
      { field: 'name', message: 'another customer has this name' },
    ]);

    const temp = await call('POST', '/api/v1/status/customers', admin, {
      name: 'Temp',
      componentIds: [web],
      contacts: [{ email: 'temp@example.org' }],
    });
    const renamed = await call('PATCH', `/api/v1/status/customers/${temp.id}`, admin, {
      name: 'Temporary',
    });
    expect(renamed).toMatchObject({ name: 'Temporary', version: 2 });
    expect(
      (
        await t.app.inject({
          method: 'DELETE',
          url: `/api/v1/status/customers/${temp.id}`,
          headers: admin,
        })
      ).statusCode,
    ).toBe(204);
    expect(
      (await t.app.inject({ url: `/api/v1/status/customers/${temp.id}`, headers: admin }))
        .statusCode,
    ).toBe(404);

    // Per role: comms reads but does not change; a viewer sees nothing of customers.
    const add = { name: 'X', componentIds: [api], contacts: [{ email: 'x@x.example' }] };
    const asComms = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/customers',
      headers: comms,
      payload: add,
    });
    expect(asComms.statusCode).toBe(403);
    for (const [method, url] of [
      ['GET', '/api/v1/status/customers'],
      ['GET', `/api/v1/status/customers/${acme.id}`],
      ['PATCH', `/api/v1/status/customers/${acme.id}`],
      ['DELETE', `/api/v1/status/customers/${acme.id}`],
      ['POST', '/api/v1/status/incidents/x/notify-customers'],
    ] as const) {
      const res = await t.app.inject({ method, url, headers: viewer, payload: {} });
      expect(res.statusCode, `${method} ${url}`).toBe(403);
    }
  });

  it('notify affected customers: the contacts of the customers using an affected component, within the 4 h clock', async () => {
    await deliver();
    t.clock.set('2026-12-10T10:00:00Z');
    const lead = (await loginAs(t, 'security_lead')).headers;
    const comms2 = (await loginAs(t, 'comms')).headers;
    const incident = await call('POST', '/api/v1/incidents', lead, {
      title: 'Tokens leaked from the API gateway logs',
      severity: 'P1',
      severityOverride: EMERGENCY,
    });
    expect(await customerClocks(incident.key, lead)).toMatchObject([
      { kind: 'customer_first_notice', status: 'pending', dueAt: '2026-12-10T14:00:00.000Z' },
    ]);
    // Published before the link: the page's update meets nothing.
    const published = await call('POST', '/api/v1/status/incidents', comms2, {
      name: 'Sign-in tokens reset',
      impact: 'major',
      body: 'We reset some <b>API</b> tokens; sign in again.',
      components: [{ componentId: api, status: 'partial_outage' }],
    });
    // Linking needs someone who publishes and may see the incident.
    const linker = (await loginAs(t, ['security_lead', 'comms'])).headers;
    await call('PATCH', `/api/v1/status/incidents/${published.id}`, linker, {
      internalIncident: incident.key,
    });
    await deliver();

    t.clock.advance(90 * MINUTE);
    const notified = await call(
      'POST',
      `/api/v1/status/incidents/${published.id}/notify-customers`,
      comms2,
    );
    expect(notified).toEqual({
      updateId: published.updates[0].id,
      customers: [{ id: acme.id, name: 'Acme', contacts: 2 }],
    });
    const mails = await deliver();
    expect(mails.flatMap(recipientsOf).sort()).toEqual(['cto@acme.example', 'ops@acme.example']);
    const mail = mails[0]!;
    expect(mail.subject).toBe('[Service status] Sign-in tokens reset: Investigating');
    expect(mail.text).toContain('We reset some <b>API</b> tokens; sign in again.');
    expect(mail.text).toContain('You receive this as a contact of Acme, which uses: API.');
    expect(mail.html).toBe(false);
    expect(mail.text).not.toContain(incident.key);

    const clocks = await customerClocks(incident.key, lead);
    expect(clocks).toMatchObject([
      { kind: 'customer_first_notice', status: 'met', metBy: 'status.customer_notified' },
      { kind: 'customer_update', status: 'pending' },
    ]);
    expect(clocks[0]!.breached).toBe(false);
    // The exact text sent is on the customer's record.
    const record = await listStreamEvents(t.container.db, acme.id, { afterSeq: 0 });
    const sent = record.find((e) => e.type === 'status.customer_notified')!;
    expect(sent.visibility).toBe('internal');
    expect(sent.data).toMatchObject({
      publicIncidentId: published.id,
      internalIncidentId: incident.id,
      body: mail.text!.trimEnd(),
      contacts: ['ops@acme.example', 'cto@acme.example'],
    });

    // The same update twice: refused, nobody gets it again.
    const again = await t.app.inject({
      method: 'POST',
      url: `/api/v1/status/incidents/${published.id}/notify-customers`,
      headers: comms2,
    });
    expect(again.statusCode).toBe(422);
    expect(again.json().rule).toBe('customers.already_notified');
    expect(await deliver()).toEqual([]);
    // Nothing of customers on the public side.
    for (const url of ['/status', `/status/incidents/${published.id}`, '/api/v2/summary.json']) {
      const body = (await t.app.inject({ url })).body;
      expect(body).not.toContain('Acme');
      expect(body).not.toContain('acme.example');
    }
  });

  it('no customer affected: refused, the clock stays open and breaches after 4 h; a late notice meets it late', async () => {
    t.clock.set('2026-12-11T10:00:00Z');
    const lead = (await loginAs(t, 'security_lead')).headers;
    const incident = await call('POST', '/api/v1/incidents', lead, {
      title: 'Database credentials in a public repository',
      severity: 'P1',
      severityOverride: EMERGENCY,
    });
    const comms2 = (await loginAs(t, 'comms')).headers;
    const published = await call('POST', '/api/v1/status/incidents', comms2, {
      name: 'Precautionary maintenance',
      impact: 'minor',
      body: 'We are rotating credentials.',
    });
    // Linking needs someone who publishes and may see the incident.
    const linker = (await loginAs(t, ['security_lead', 'comms'])).headers;
    await call('PATCH', `/api/v1/status/incidents/${published.id}`, linker, {
      internalIncident: incident.key,
    });
    const nobody = await t.app.inject({
      method: 'POST',
      url: `/api/v1/status/incidents/${published.id}/notify-customers`,
      headers: comms2,
    });
    expect(nobody.statusCode).toBe(422);
    expect(nobody.json().rule).toBe('customers.affected');

    const scheduler = new Scheduler({
      deadlines: t.container.services.clocks,
      clock: t.clock,
      workerId: 'test',
    });
    t.clock.advance(4 * HOUR + 5 * MINUTE);
    await scheduler.tick(t.clock.now());
    const lead2 = (await loginAs(t, 'security_lead')).headers;
    expect((await customerClocks(incident.key, lead2))[0]).toMatchObject({
      kind: 'customer_first_notice',
      status: 'pending',
      breached: true,
    });

    const comms3 = (await loginAs(t, 'comms')).headers;
    await call('POST', `/api/v1/status/incidents/${published.id}/updates`, comms3, {
      status: 'identified',
      body: 'The web app was affected after all.',
      components: [{ componentId: web, status: 'degraded_performance' }],
    });
    // The update itself met the first notice (it speaks for the incident now).
    const afterUpdate = await customerClocks(incident.key, lead2);
    expect(afterUpdate[0]).toMatchObject({ status: 'met', breached: true });
    await deliver();
    const notified = await call(
      'POST',
      `/api/v1/status/incidents/${published.id}/notify-customers`,
      comms3,
    );
    expect(notified.customers.map((c: { name: string }) => c.name)).toEqual(['Globex']);
    expect((await deliver()).flatMap(recipientsOf)).toEqual(['help@globex.example']);
    expect(
      (await customerClocks(incident.key, lead2)).filter((d) => d.kind === 'customer_update'),
    ).toMatchObject([{ status: 'met', metBy: 'status.customer_notified' }, { status: 'pending' }]);
  });
});
