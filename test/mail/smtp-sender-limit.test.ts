// A per-sender limit at the SMTP listener (STOPLINE_SMTP_IN_SENDER_LIMIT): a sender over its
// hourly count is answered 451 4.7.1 at MAIL FROM with a clear text, so its server tries again
// later and nothing is lost; other senders are not held up; the next hour takes it again.
// Real SMTP (nodemailer) to Stopline's listener; the clock is the test's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../../src/server/clock.ts';
import { buildMessage, sendRaw, TestDns } from '../helpers/mail.ts';
import { countRows, createTestApp, type TestApp } from '../helpers/test-app.ts';

const SECURITY = 'security@stopline.test';
let t: TestApp;
let port: number;

beforeAll(async () => {
  t = await createTestApp({
    env: {
      STOPLINE_SECURITY_EMAIL: SECURITY,
      STOPLINE_SMTP_IN_PORT: '0',
      STOPLINE_SMTP_IN_SENDER_LIMIT: '3',
    },
    overrides: { dnsResolver: new TestDns().resolve },
  });
  await t.container.workers.listen();
  port = t.container.workers.smtpIn!.port!;
});
afterAll(() => t.close());

const send = async (from: string, n: number) => {
  const message = await buildMessage({
    from,
    to: SECURITY,
    subject: `Report ${n}`,
    text: 'Details.',
    messageId: `<limit-${n}-${from}>`,
  });
  return sendRaw(port, { from, to: [SECURITY] }, message.raw).then(
    (reply) => ({ reply, code: 250, text: reply }),
    (error: { responseCode?: number; response?: string }) => ({
      reply: null,
      code: error.responseCode,
      text: error.response ?? '',
    }),
  );
};

describe('the per-sender limit at SMTP', () => {
  it('takes 3 messages from a sender in an hour, answers the 4th 451 4.7.1 with why and when, and stores nothing of it', async () => {
    // The start of an hour, so the window does not roll over under the test.
    t.clock.set(Math.ceil(t.clock.now() / HOUR) * HOUR + 1000);
    for (let n = 1; n <= 3; n++) expect((await send('flood@reporter.test', n)).code).toBe(250);
    const inbound = await countRows(t, 'inbound_mail');
    const refused = await send('FLOOD@reporter.test', 4);
    expect(refused.code).toBe(451);
    expect(refused.text).toMatch(
      /^451 4\.7\.1 Too many messages from this sender in this hour; try again in \d+ minutes/,
    );
    expect(await countRows(t, 'inbound_mail')).toBe(inbound);
  });

  it('another sender is not held up by it', async () => {
    expect((await send('someone@else.test', 1)).code).toBe(250);
  });

  it('the next hour the sender is taken again', async () => {
    t.clock.advance(HOUR);
    expect((await send('flood@reporter.test', 5)).code).toBe(250);
  });
});
