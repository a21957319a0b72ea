// Anyone can type anyone's e-mail address into the report form, so submitting a report sends no
// e-mail at all: the first e-mail to a reporter goes when a person on the team acknowledges the
// report (or writes to them), through a real SMTP server, and says only that there is news.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpMailer } from '../../src/server/integrations/smtp-mailer.ts';
import type { OutboxWorker } from '../../src/server/workers/outbox-worker.ts';
import { loginAs } from '../helpers/auth.ts';
import { startSmtpReceiver, workerFor, type SmtpReceiver } from '../helpers/delivery.ts';
import { formEncoded, formFields, readReceipt } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;
let worker: OutboxWorker;

beforeAll(async () => {
  t = await createTestApp({ env: { STOPLINE_INTAKE_RATE_LIMIT: '1000' } });
  smtp = await startSmtpReceiver();
  worker = workerFor(
    t,
    createSmtpMailer({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'Stopline <security@example.org>',
      timeoutMs: 2000,
    }),
  );
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

async function sendReport(email: string, via: 'form' | 'api') {
  if (via === 'form') {
    const res = await t.app.inject({
      method: 'POST',
      url: '/report',
      ...formEncoded(formFields({ contactEmail: email })),
    });
    return readReceipt(res);
  }
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: { summary: 's', description: 'd', contact: { email } },
  });
  expect(res.statusCode).toBe(201);
  return res.json() as { key: string; accessCode: string };
}

describe('e-mail to reporters', () => {
  it('thirty reports naming a stranger’s address send the stranger nothing', async () => {
    for (let i = 0; i < 15; i++) await sendReport('victim@example.org', 'form');
    for (let i = 0; i < 15; i++) await sendReport('victim@example.org', 'api');
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 0 });
    expect(smtp.received).toEqual([]);
  });

  it('the first e-mail goes when a person acknowledges the report, with the portal link and no secret', async () => {
    const { key, accessCode } = await sendReport('ada@example.org', 'form');
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 0 });

    const staff = await loginAs(t, 'responder');
    const ack = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/acknowledge`,
      headers: staff.headers,
    });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(await worker.deliverDue(t.clock.now())).toMatchObject({ delivered: 1 });
    await smtp.waitFor(1);
    const [mail] = smtp.received;
    expect(mail!.to).toMatchObject({ text: 'ada@example.org' });
    expect(mail!.subject).toBe(`Your security report was acknowledged (${key})`);
    expect(mail!.text).toContain(`${t.container.config.baseUrl}/portal`);
    expect(mail!.text).not.toContain(accessCode);
  });

  it('a report closed as spam sends no e-mail: its address was likely not the sender’s', async () => {
    const { key } = await sendReport('someone-else@example.org', 'api');
    const staff = await loginAs(t, 'responder');
    // What staff are told of the new report leaves first.
    await worker.deliverDue(t.clock.now());
    const closed = await t.app.inject({
      method: 'POST',
      url: `/api/v1/reports/${key}/close`,
      headers: staff.headers,
      payload: { resolution: 'spam', reason: 'Advertising.' },
    });
    expect(closed.statusCode, closed.body).toBe(204);
    const before = smtp.received.length;
    await worker.deliverDue(t.clock.now());
    expect(smtp.received.length).toBe(before);
    expect(smtp.received.map((m) => m.to)).not.toContainEqual(
      expect.objectContaining({ text: 'someone-else@example.org' }),
    );
  });
});
