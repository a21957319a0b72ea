// Every public form refuses a post that another site made a visitor's browser send, and accepts
// one from our own pages however the browser says so: an Origin that is ours, or Sec-Fetch-Site:
// same-origin (Chromium sends `Origin: null` when a referrer policy hides the origin). Programs
// that send neither header are not browsers and cannot carry someone else's cookies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../src/server/domain/actor.ts';
import { countRows, createTestApp, type TestApp } from './helpers/test-app.ts';
import { formEncoded, formFields, multipart, readReceipt, signIn } from './helpers/reports.ts';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_BASE_URL: 'https://security.example.org' } });
});
afterAll(async () => t.close());

const OWN = 'https://security.example.org';
const CROSS_SITE: Record<string, string>[] = [
  { origin: 'https://evil.example' },
  { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
  { origin: 'null', 'sec-fetch-site': 'cross-site' },
  { origin: 'https://sub.security.example.org', 'sec-fetch-site': 'same-site' },
  // A sandboxed frame on some other page: no Fetch Metadata in an old browser, Origin null.
  { origin: 'null' },
];
const SAME_ORIGIN: Record<string, string>[] = [
  { origin: OWN },
  { origin: OWN, 'sec-fetch-site': 'same-origin' },
  { origin: 'null', 'sec-fetch-site': 'same-origin' },
  {},
];

const count = (table: 'reports' | 'report_messages' | 'users') => countRows(t, table);

/** Posts a form (url-encoded, or multipart when it carries a report) with the given headers. */
const post = (
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string>,
  encode: (fields: Record<string, string>) => {
    payload: string | Buffer;
    headers: Record<string, string>;
  } = formEncoded,
) => {
  const form = encode(fields);
  return t.app.inject({
    method: 'POST',
    url,
    payload: form.payload,
    headers: { ...form.headers, ...headers },
  });
};

function expectRefused(res: {
  statusCode: number;
  body: string;
  headers: Record<string, unknown>;
}) {
  expect(res.statusCode).toBe(403);
  expect(String(res.headers['content-type'])).toMatch(/^text\/html/);
  expect(res.body).toContain('must be sent from our own pages');
}

describe('public forms and where their posts come from', () => {
  it('the report form refuses every cross-site post before storing anything, and takes same-origin ones', async () => {
    for (const headers of CROSS_SITE)
      expectRefused(await post('/report', formFields(), headers, multipart));
    expect(await count('reports')).toBe(0);
    for (const headers of SAME_ORIGIN)
      readReceipt(await post('/report', formFields(), headers, multipart));
    expect(await count('reports')).toBe(SAME_ORIGIN.length);
  });

  it('portal sign-in, reply, public address and sign-out refuse cross-site posts', async () => {
    const { key, accessCode } = readReceipt(await post('/report', formFields(), {}, multipart));
    for (const headers of CROSS_SITE) {
      const res = await post('/portal/sign-in', { key, accessCode }, headers);
      expectRefused(res);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    const visit = await signIn(t.app, key, accessCode);
    const csrf = await visit.csrf();
    const cookie = { cookie: visit.cookie };
    const messagesBefore = await count('report_messages');
    for (const headers of CROSS_SITE) {
      const withCookie = { ...cookie, ...headers };
      const body = { csrf, body: 'sent by another site' };
      expectRefused(await post('/portal/reply', body, withCookie, multipart));
      const publicUrl = { csrf, publicUrl: 'https://paste.example/x' };
      expectRefused(await post('/portal/public-url', publicUrl, withCookie));
      expectRefused(await post('/portal/sign-out', { csrf }, withCookie));
    }
    expect(await count('report_messages')).toBe(messagesBefore);
    expect(await visit.page()).not.toContain('paste.example');

    // Chromium's own post from the portal page: Origin null, Sec-Fetch-Site same-origin.
    const chromium = { origin: 'null', 'sec-fetch-site': 'same-origin' };
    expect((await post('/portal/sign-in', { key, accessCode }, chromium)).statusCode).toBe(303);
  });

  it('setup and set-password refuse cross-site posts; the link stays unused', async () => {
    const setup = (await t.container.services.accounts.users.issueSetupLinkIfNoAdmin())!;
    const fields = {
      link: setup.url,
      email: 'ada@example.org',
      displayName: 'Ada',
      password: 'a long and private passphrase',
    };
    for (const headers of CROSS_SITE) expectRefused(await post('/setup', fields, headers));
    expect(await count('users')).toBe(0);
    const created = await post('/setup', fields, { origin: OWN });
    expect(created.statusCode, created.body).toBe(200);
    expect(created.body).toContain('You can now sign in as ada@example.org');

    const { link } = await t.container.services.accounts.users.createUser(systemActor, {
      email: 'bo@example.org',
      displayName: 'Bo',
      roles: ['viewer'],
    });
    const password = { link: link.url, password: 'another long private passphrase' };
    for (const headers of CROSS_SITE) expectRefused(await post('/set-password', password, headers));
    const chromium = { origin: 'null', 'sec-fetch-site': 'same-origin' };
    const res = await post('/set-password', password, chromium);
    expect(res.statusCode, res.body).toBe(200);
  });

  it('a pasted link that is wrong, and a weak password, are named next to their fields', async () => {
    const { link } = await t.container.services.accounts.users.createUser(systemActor, {
      email: 'cy@example.org',
      displayName: 'Cy',
      roles: ['viewer'],
    });
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/set-password',
      ...formEncoded({
        link: `${OWN}/set-password#token=stl_link_wrong`,
        password: 'x'.repeat(20),
      }),
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.body).toMatch(/id="f-link-error"[^]*This link is not valid/);
    expect(wrong.body).not.toContain('stl_link_wrong');
    const weak = await t.app.inject({
      method: 'POST',
      url: '/set-password',
      ...formEncoded({ link: link.url, password: 'short' }),
    });
    expect(weak.statusCode).toBe(400);
    expect(weak.body).toMatch(/id="f-password-error"[^]*The password/);
    expect(weak.body).toContain('aria-invalid="true"');
    const empty = await t.app.inject({
      method: 'POST',
      url: '/set-password',
      ...formEncoded({ link: '', password: '' }),
    });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('The link must be filled in');
  });

  it('every page keeps its origin on our own posts and tells other sites nothing', async () => {
    for (const url of ['/report', '/portal', '/setup', '/set-password', '/api/v1/users']) {
      const res = await t.app.inject({ method: 'GET', url });
      expect(res.headers['referrer-policy'], url).toBe('same-origin');
    }
    const page = await t.app.inject({ method: 'GET', url: '/report' });
    expect(page.body).toContain('<meta name="referrer" content="same-origin" />');
  });
});
