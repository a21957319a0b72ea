// A stranger reports privately through the form (no JavaScript), gets a receipt, signs in to the
// portal, sees the acknowledgment, and talks with staff; the same through the JSON API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../src/server/clock.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { formEncoded, formFields, multipart, readReceipt, signIn } from './helpers/reports.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('reporting through the HTML form', () => {
  it('the form is server-rendered, labelled, and has no script', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/report' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    expect(res.body).toMatch(/<html lang="en">/);
    expect(res.body).not.toMatch(/<script/i);
    for (const id of ['summary', 'description', 'contactEmail', 'publicUrl', 'creditName']) {
      expect(res.body).toMatch(new RegExp(`<label for="f-${id}">`));
      expect(res.body).toContain(`id="f-${id}"`);
    }
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(res.headers['referrer-policy']).toBe('same-origin');
  });

  it('a report sent with the form gets a receipt, and the portal shows its acknowledgment and the conversation', async () => {
    const form = multipart(formFields({ stepsToReproduce: '1. Sign in\n2. Set the name' }), [
      { name: 'poc.txt', type: 'text/plain', bytes: Buffer.from('proof of concept') },
    ]);
    const res = await t.app.inject({ method: 'POST', url: '/report', ...form });
    const { key, accessCode } = readReceipt(res);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatch(/within\s+24 hours/);

    const reporter = await signIn(t.app, key, accessCode);
    let portal = await reporter.page();
    expect(portal).toContain(`Report ${key}`);
    expect(portal).toContain('Status: Received');
    expect(portal).toContain('We promised to acknowledge by');

    const staff = await loginAs(t, 'responder');
    t.clock.advance(20 * MINUTE);
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/acknowledge`,
      headers: staff.headers,
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ onTime: true });

    portal = await reporter.page();
    expect(portal).toContain('Status: Acknowledged');
    expect(portal).toMatch(/Acknowledgment promised by.*\(kept\)/s);

    const sent = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/messages`,
      headers: staff.headers,
      payload: { kind: 'to_reporter', messageType: 'general', body: 'Which browser did you use?' },
    });
    expect(sent.statusCode, sent.body).toBe(201);
    expect(await reporter.page()).toContain('Which browser did you use?');

    const replied = await reporter.reply('Firefox 128 on Linux', [
      { name: 'screenshot.png', type: 'image/png', bytes: Buffer.from('not really a png') },
    ]);
    expect(replied.statusCode, replied.body.slice(0, 500)).toBe(303);
    expect(replied.headers.location).toBe('/portal');

    const thread = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}/messages`,
      headers: staff.headers,
    });
    expect(
      thread.json().messages.map((m: { kind: string; body: string }) => [m.kind, m.body]),
    ).toEqual([
      ['to_reporter', 'Which browser did you use?'],
      ['from_reporter', 'Firefox 128 on Linux'],
    ]);
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${key}`,
      headers: staff.headers,
    });
    expect(detail.json().attachments.map((a: { name: string }) => a.name)).toEqual([
      'poc.txt',
      'screenshot.png',
    ]);
  });

  it('a url-encoded form works too; no e-mail is sent on submit, only when the team acts', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...formEncoded(formFields()),
    });
    const { key } = readReceipt(res);
    const onSubmit = await t.container.db
      .selectFrom('outbox')
      .select('id')
      .where('recipient', '=', 'researcher@example.org')
      .where('subject', 'like', `%${key}%`)
      .execute();
    expect(onSubmit).toEqual([]);

    // Later news is announced by e-mail without its content, which stays behind the sign-in.
    const staff = await loginAs(t, 'responder');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/acknowledge`,
      headers: staff.headers,
    });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/messages`,
      headers: staff.headers,
      payload: { kind: 'to_reporter', body: 'Secret detail of our analysis' },
    });
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/messages`,
      headers: staff.headers,
      payload: { kind: 'internal_note', body: 'not for the reporter' },
    });
    const notices = await t.container.db
      .selectFrom('outbox')
      .select(['subject', 'body_text'])
      .where('subject', 'like', `%(${key})`)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    expect(notices.map((n) => n.subject)).toEqual([
      `Your security report was acknowledged (${key})`,
      `New message about your security report (${key})`,
    ]);
    for (const n of notices) expect(n.body_text).not.toMatch(/Secret detail|not for the reporter/);
  });

  it('an invalid form is shown again with the input kept and each error tied to its field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...formEncoded({
        summary: 'kept <b>text</b>',
        description: '   ',
        contactEmail: 'not-an-address',
      }),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('href="#f-description"');
    expect(res.body).toMatch(
      /id="f-description"[^>]*aria-describedby="[^"]*f-description-error"[^>]*aria-invalid="true"/,
    );
    expect(res.body).toMatch(/id="f-contactEmail"[^>]*aria-invalid="true"/);
    expect(res.body).toContain('value="kept &lt;b&gt;text&lt;/b&gt;"');
  });

  it('a filled-in spam trap is refused without storing anything', async () => {
    const before = await t.container.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...formEncoded(formFields({ website: 'http://spam' })),
    });
    expect(res.statusCode).toBe(422);
    const after = await t.container.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('reporting through the JSON API', () => {
  it('returns the key and access code once, and the portal works with them', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: {
        summary: 'SSRF in the webhook tester',
        description: 'The tester fetches internal addresses.',
        contact: { email: 'bot@example.org', name: 'Scanner' },
        attachments: [{ name: 'req.txt', contentBase64: Buffer.from('GET /').toString('base64') }],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const receipt = res.json();
    expect(receipt.key).toMatch(/^RPT-\d{4}$/);
    expect(receipt.accessCode).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(receipt.acknowledgeBy).toBe(new Date(t.clock.now() + 24 * HOUR).toISOString());

    const reporter = await signIn(t.app, receipt.key, receipt.accessCode);
    const staff = await loginAs(t, 'responder');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${receipt.key}/acknowledge`,
      headers: staff.headers,
    });
    expect(await reporter.page()).toContain('Status: Acknowledged');
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${receipt.key}/messages`,
      headers: staff.headers,
      payload: { kind: 'to_reporter', body: 'Thanks, we are on it.' },
    });
    expect(await reporter.page()).toContain('Thanks, we are on it.');
    expect((await reporter.reply('Glad to help')).statusCode).toBe(303);
    const thread = await t.app.inject({
      method: 'GET',
      url: `/api/v1/reports/${receipt.key}/messages`,
      headers: staff.headers,
    });
    expect(thread.json().messages.at(-1)).toMatchObject({
      kind: 'from_reporter',
      body: 'Glad to help',
    });
  });

  it('invalid fields are a 400 problem naming each field', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: '', description: 'x', contact: { email: 'nope' }, extra: 1 },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const fields = res.json().errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['summary', 'contact.email']));
  });
});
