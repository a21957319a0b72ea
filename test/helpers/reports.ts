// A reporter with nothing but an HTTP client: builds form bodies, reads the receipt, signs in to
// the portal and follows its links, as a browser without JavaScript would.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { ReportFields } from '../../src/shared/api/reports.ts';
import type { TestApp } from './test-app.ts';

export interface FilePart {
  name: string;
  type: string;
  bytes: Buffer;
}

/** A multipart/form-data body; several values under one field name are sent in order. */
export function multipart(
  fields: Record<string, string>,
  files: FilePart[] = [],
  fileField = 'attachments',
): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----stopline' + randomBytes(8).toString('hex');
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
      Buffer.from(value, 'utf8'),
      Buffer.from('\r\n'),
    );
  }
  for (const file of files) {
    const encoded = file.name.replace(/"/g, '%22').replace(/\r|\n/g, ' ');
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${fileField}"; filename="${encoded}"\r\nContent-Type: ${file.type}\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}

export function formEncoded(fields: Record<string, string>) {
  return {
    payload: new URLSearchParams(fields).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  };
}

export function readReceipt(res: LightMyRequestResponse): { key: string; accessCode: string } {
  expect(res.statusCode, res.body.slice(0, 2000)).toBe(200);
  const key = /<code class="code" id="report-key">(RPT-\d+)<\/code>/.exec(res.body)?.[1];
  const accessCode = /<code class="code" id="access-code">([A-Za-z0-9_-]+)<\/code>/.exec(
    res.body,
  )?.[1];
  expect(key).toBeDefined();
  expect(accessCode).toBeDefined();
  return { key: key!, accessCode: accessCode! };
}

export interface PortalVisit {
  cookie: string;
  page(): Promise<string>;
  csrf(): Promise<string>;
  reply(body: string, files?: FilePart[]): Promise<LightMyRequestResponse>;
}

/** One sign-in attempt on the portal's form, from the given client address. */
export function postPortalSignIn(
  app: FastifyInstance,
  key: string,
  accessCode: string,
  remoteAddress = '127.0.0.1',
) {
  return app.inject({
    method: 'POST',
    url: '/portal/sign-in',
    remoteAddress,
    ...formEncoded({ key, accessCode }),
  });
}

export async function signIn(
  app: FastifyInstance,
  key: string,
  accessCode: string,
  remoteAddress = '127.0.0.1',
): Promise<PortalVisit> {
  const res = await postPortalSignIn(app, key, accessCode, remoteAddress);
  expect(res.statusCode, res.body.slice(0, 500)).toBe(303);
  expect(res.headers.location).toBe('/portal');
  const setCookie = String(res.headers['set-cookie']);
  expect(setCookie).toMatch(/HttpOnly/);
  expect(setCookie).toMatch(/SameSite=Strict/);
  const cookie = setCookie.split(';')[0]!;
  const visit: PortalVisit = {
    cookie,
    async page() {
      const page = await app.inject({ method: 'GET', url: '/portal', headers: { cookie } });
      expect(page.statusCode).toBe(200);
      return page.body;
    },
    async csrf() {
      const token = /name="csrf" value="([^"]+)"/.exec(await visit.page())?.[1];
      expect(token).toBeDefined();
      return token!;
    },
    async reply(body, files = []) {
      const form = multipart({ csrf: await visit.csrf(), body }, files);
      return app.inject({
        method: 'POST',
        url: '/portal/reply',
        payload: form.payload,
        headers: { ...form.headers, cookie },
      });
    },
  };
  return visit;
}

/** Minimal valid report fields for the form. */
export function formFields(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    summary: 'Stored XSS in the profile page',
    description: 'The display name is rendered without escaping.',
    contactEmail: 'researcher@example.org',
    ...overrides,
  };
}

/** Sends a report through the public JSON API; answers its key and internal id. */
export async function submitReport(
  t: TestApp,
  summary = 'Reset link leaks to analytics',
): Promise<{ key: string; id: string }> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: { summary, description: 'Steps and impact as the reporter saw them.' },
  });
  const key = res.json().key as string;
  const row = await t.container.db
    .selectFrom('reports')
    .select('id')
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  return { key, id: row.id };
}

/** A report from a reporter who gave an e-mail address, as the intake takes it; its receipt
 * (key and access code). */
export function reportFromAddress(t: Pick<TestApp, 'container'>, summary: string, email: string) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({ summary, description: 'What I saw.', contact: { email } }),
    [],
    { ip: '127.0.0.1' },
  );
}
