// Everything a reporter sends is stored byte-exact and rendered inert: a corpus of XSS payloads in
// every text field and in file names, unicode, right-to-left text and 100 KB descriptions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { escapeHtml } from '../src/server/http/public/html.ts';
import { loginAs } from './helpers/auth.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';
import { formEncoded, multipart, readReceipt, signIn } from './helpers/reports.ts';

export const XSS_PAYLOADS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  'javascript:alert(1)',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<body onload=alert(1)>',
  '<a href="javascript:alert(1)">click</a>',
  '</textarea><script>alert(1)</script>',
  '</title><script>alert(1)</script>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  "{{constructor.constructor('alert(1)')()}}",
  "<style>@import 'http://evil.example/x.css';</style>",
  '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
  '<input autofocus onfocus=alert(1)>',
  '${alert(1)}`-alert(1)-`',
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '\u003cscript\u003ealert(1)\u003c/script\u003e',
];

const OUR_TAGS = new Set(
  (
    'html head meta title link body a header nav ul li main h1 h2 h3 p div label input textarea ' +
    'button form fieldset legend span code dl dt dd ol time strong table caption thead tbody tr th td ' +
    // what the Markdown of staff messages may produce
    'em pre blockquote br h3 h4'
  ).split(' '),
);

/**
 * Reads every tag of a page: only the tags our templates write may appear, with no event-handler
 * attribute and no javascript: URL. Reporter text, escaped, can contain no tag at all.
 */
export function expectInert(page: string): void {
  expect(page).not.toMatch(/<script/i);
  for (const [, name, attributes] of page.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    expect(OUR_TAGS, `unexpected <${name}${attributes}>`).toContain(name!.toLowerCase());
    const names = attributes!.replace(/"[^"]*"|'[^']*'/g, '').match(/[^\s=/]+(?=\s*=|\s|$)/g) ?? [];
    for (const attribute of names) expect(attribute.toLowerCase()).not.toMatch(/^on/);
    expect(attributes).not.toMatch(/(href|src|action|data)\s*=\s*["']?\s*javascript:/i);
  }
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '10000' } });
});
afterAll(async () => {
  await t.close();
});

const textFields = (p: string) => ({
  summary: p,
  description: p,
  stepsToReproduce: p,
  impact: p,
  firstNoticed: p.slice(0, 200),
  affected: p,
  contactName: p,
  contactPhone: p.slice(0, 50),
  contactPgpKey: p,
  publicUrl: `https://example.org/?q=${p}`,
  creditConsent: 'yes',
  creditName: p,
});

describe('hostile input', () => {
  it('every XSS payload in every field and file name is kept byte-exact and rendered inert', async () => {
    const staff = await loginAs(t, 'admin');
    for (const [i, p] of XSS_PAYLOADS.entries()) {
      const form = multipart(textFields(p), [
        { name: `${p}.txt`, type: 'text/plain', bytes: Buffer.from(`file ${i}`) },
      ]);
      const res = await t.app.inject({ method: 'POST', url: '/report', ...form });
      const { key, accessCode } = readReceipt(res);
      expectInert(res.body);

      const reporter = await signIn(t.app, key, accessCode, `192.0.2.${i + 1}`);
      expect(
        (await reporter.reply(p, [{ name: p, type: 'text/html', bytes: Buffer.from(p) }]))
          .statusCode,
      ).toBe(303);
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/reports/${key}/messages`,
        headers: staff.headers,
        payload: { kind: 'to_reporter', body: p },
      });
      const portal = await reporter.page();
      expectInert(portal);
      // The reporter's own words come back exactly, escaped (staff Markdown is checked inert).
      expect(portal).toContain(`<div class="user-text">${escapeHtml(p)}</div>`);

      const detail = (
        await t.app.inject({ method: 'GET', url: `/api/v1/reports/${key}`, headers: staff.headers })
      ).json();
      expect(detail).toMatchObject({
        summary: p,
        description: p,
        stepsToReproduce: p,
        impact: p,
        affected: p,
        publicUrl: `https://example.org/?q=${p}`,
        credit: { consent: true, name: p },
      });
      // A browser sends a double quote in a file name as %22 (HTML's multipart rule); the name is
      // kept exactly as it arrived.
      const sent = p.replace(/"/g, '%22');
      expect(detail.attachments.map((a: { name: string }) => a.name)).toEqual([
        `${sent}.txt`,
        sent,
      ]);
      const contact = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/reports/${key}/contact`,
          headers: staff.headers,
        })
      ).json();
      expect(contact).toMatchObject({ name: p, pgpKey: p });
      const thread = (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/reports/${key}/messages`,
          headers: staff.headers,
        })
      ).json();
      expect(thread.messages.map((m: { body: string }) => m.body)).toEqual([p, p]);

      // Thanks page lists the credited name once the issue is fixed.
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/reports/${key}/milestones`,
        headers: staff.headers,
        payload: { milestone: 'fixed' },
      });
    }
    const thanks = await t.app.inject({ method: 'GET', url: '/thanks' });
    expectInert(thanks.body);
    for (const p of XSS_PAYLOADS) expect(thanks.body).toContain(escapeHtml(p));
  });

  it('a rejected form shows hostile input again, escaped, inside its fields', async () => {
    for (const p of XSS_PAYLOADS) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/report',
        ...formEncoded({ ...textFields(p), description: ' ', contactEmail: p }),
      });
      expect(res.statusCode).toBe(400);
      expectInert(res.body);
      expect(res.body).toContain(`value="${escapeHtml(p)}"`);
    }
  });

  it('unicode, right-to-left text, line endings and a 100 KB description are kept exactly', async () => {
    const staff = await loginAs(t, 'admin');
    const rtl = 'שלום \u202Egnp.exe\u202C مرحبا — Zwölf Boxkämpfer 😀 \u0000?'.replace(
      '\u0000',
      '',
    );
    const description =
      `  ${rtl}\r\n\ttabs\r\n` + 'Ж'.repeat(50_000) + 'x'.repeat(50_000) + '\n\n ';
    expect(description.length).toBeGreaterThan(100_000);
    const viaApi = await t.app.inject({
      method: 'POST',
      url: '/api/v1/reports',
      payload: { summary: rtl, description, impact: '  leading and trailing  ' },
    });
    expect(viaApi.statusCode, viaApi.body).toBe(201);
    const viaForm = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...multipart({ summary: rtl, description }),
    });
    const formKey = readReceipt(viaForm).key;
    const viaUrlencoded = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...formEncoded({ summary: rtl, description }),
    });
    const urlKey = readReceipt(viaUrlencoded).key;
    for (const key of [viaApi.json().key, formKey, urlKey]) {
      const detail = await t.app.inject({
        method: 'GET',
        url: `/api/v1/reports/${key}`,
        headers: staff.headers,
      });
      const body = detail.json();
      expect(body.summary).toBe(rtl);
      expect(body.description).toBe(description);
    }
    expect(
      (
        await t.app.inject({
          method: 'GET',
          url: `/api/v1/reports/${urlKey}`,
          headers: staff.headers,
        })
      ).json().impact,
    ).toBeNull();
  });

  it('HTML disguised as a PNG is detected as HTML, and attachments are served only as downloads', async () => {
    const staff = await loginAs(t, 'admin');
    const png = Buffer.from(
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      'base64',
    );
    const disguised = Buffer.from(
      '<!DOCTYPE html><html><script>alert(document.cookie)</script></html>',
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...multipart({ summary: 'files', description: 'two files' }, [
        { name: 'real.png', type: 'image/png', bytes: png },
        { name: 'fake.png', type: 'image/png', bytes: disguised },
      ]),
    });
    const { key } = readReceipt(res);
    const detail = (
      await t.app.inject({ method: 'GET', url: `/api/v1/reports/${key}`, headers: staff.headers })
    ).json();
    const [real, fake] = detail.attachments;
    expect(real).toMatchObject({
      name: 'real.png',
      claimedType: 'image/png',
      detectedType: 'image/png',
      size: png.length,
    });
    expect(fake).toMatchObject({
      name: 'fake.png',
      claimedType: 'image/png',
      detectedType: 'text/html',
    });
    expect(fake.sha256).toMatch(/^[0-9a-f]{64}$/);

    const download = await t.app.inject({
      method: 'GET',
      url: fake.downloadUrl,
      headers: staff.headers,
    });
    expect(download.statusCode).toBe(200);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="fake.png"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(download.rawPayload.equals(disguised)).toBe(true);

    const anonymous = await t.app.inject({ method: 'GET', url: fake.downloadUrl });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('Markdown in messages to the reporter', () => {
  it('formatting and web links survive; raw HTML, javascript: links and images do not', async () => {
    const { renderMarkdown } = await import('../src/server/http/public/markdown.ts');
    const out = renderMarkdown(
      '**Fixed** in `v2.1`, see [the advisory](https://example.com/a).\n\n' +
        '[click](javascript:alert(1)) <img src=x onerror=alert(1)> ![i](https://evil.example/x.png)\n\n' +
        '<script>alert(1)</script>',
    ).value;
    expect(out).toContain('<strong>Fixed</strong>');
    expect(out).toContain('<code>v2.1</code>');
    expect(out).toContain(
      '<a href="https://example.com/a" rel="noopener noreferrer nofollow">the advisory</a>',
    );
    expectInert(out);
    expect(out).not.toMatch(/<img|<a href="javascript/i);
    expect(out).toContain('&lt;script&gt;');
  });
});
