// Calls for the status page tests: a JSON request that must succeed, answering its body; and
// subscribing to the page through its public form, confirmed by the link a real SMTP server got.
import type { ParsedMail } from 'mailparser';
import { expect } from 'vitest';
import { systemActor } from '../../src/server/domain/actor.ts';
import type { SmtpReceiver } from './delivery.ts';
import { outboxTo } from './mail.ts';
import type { TestApp } from './test-app.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** `call(method, url, headers, payload?)` on the app: asserts a 2xx and answers the JSON. */
export function succeeding(t: () => TestApp) {
  return async (method: Method, url: string, headers: Record<string, string>, payload?: object) => {
    const res = await t().app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
}

/** A deadline as GET /api/v1/incidents/{ref}/deadlines answers it (what the clock tests read). */
export interface DeadlineItem {
  id: string;
  kind: string;
  status: string;
  dueAt: string;
  metBy: string | null;
  breached: boolean;
}

/** Form posts from the status page itself (a browser on the page's own origin). */
export const formHeaders = { 'content-type': 'application/x-www-form-urlencoded' };
export const ownPageHeaders = { ...formHeaders, 'sec-fetch-site': 'same-origin' };

/** The addresses a delivered e-mail went to. */
export const recipientsOf = (mail: ParsedMail) =>
  (Array.isArray(mail.to) ? mail.to : [mail.to]).flatMap((a) => a?.value.map((v) => v.address));

/** The link to `path` with a token in a delivered e-mail's text. */
export function linkIn(mail: ParsedMail, path: string): URL {
  const found = new RegExp(`https?://[^\\s]*${path}\\?token=[A-Za-z0-9_%-]+`).exec(mail.text ?? '');
  if (!found) throw new Error(`no ${path} link in: ${mail.text}`);
  return new URL(found[0]);
}

/**
 * Subscribing to the status page through its public form, e-mail through the outbox to a real
 * SMTP server: `deliver()` sends what is due and answers what arrived; `subscribe` posts the form
 * (each from its own network, so the per-sender limit stays out of the way); `subscribed`
 * confirms through the link in the e-mail and answers the manage link.
 */
export function statusSubscriptions(
  t: () => TestApp,
  smtp: Pick<SmtpReceiver, 'port' | 'received'>,
) {
  let nextIp = 1;
  async function deliver(): Promise<ParsedMail[]> {
    const before = smtp.received.length;
    const worker = outboxTo(t(), smtp.port, 'status@example.org');
    await worker.deliverDue(t().clock.now());
    await worker.close();
    return smtp.received.slice(before);
  }
  function subscribe(
    email: string,
    components: string[] = [],
    headers: Record<string, string> = ownPageHeaders,
  ) {
    const body = new URLSearchParams({ email });
    for (const c of components) body.append('components', c);
    return t().app.inject({
      method: 'POST',
      url: '/status/subscribe',
      headers,
      payload: body.toString(),
      remoteAddress: `198.51.100.${nextIp++}`,
    });
  }
  async function subscribed(email: string, components: string[] = []): Promise<URL> {
    expect((await subscribe(email, components)).statusCode).toBe(202);
    const mail = (await deliver()).find((m) => recipientsOf(m).includes(email.toLowerCase()))!;
    const token = linkIn(mail, '/status/subscription/confirm').searchParams.get('token')!;
    const res = await t().app.inject({
      method: 'POST',
      url: '/status/subscription/confirm',
      headers: ownPageHeaders,
      payload: new URLSearchParams({ token }).toString(),
    });
    expect(res.statusCode, res.body).toBe(200);
    const manage = /action="(\/status\/subscription\?token=[^"]+)"/.exec(res.body);
    return new URL(manage![1]!.replace(/&amp;/g, '&'), 'http://x');
  }
  return { deliver, subscribe, subscribed };
}

/** A component on the page, added by the system (no group, shown always); answers its id. */
export async function addStatusComponent(t: TestApp, name: string): Promise<string> {
  const component = await t.container.services.status.addComponent(systemActor, {
    name,
    description: null,
    groupId: null,
    isGroup: false,
    onlyShowIfDegraded: false,
  });
  return component.id;
}
