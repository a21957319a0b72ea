// The Twilio-compatible request built from a notice: the account's path, form fields and Basic
// authentication; a text that keeps its links whole whatever the title's length; a call whose
// TwiML cannot be broken out of by the title.
import { describe, expect, it } from 'vitest';
import { twilioRequest } from '../../src/server/integrations/twilio-sender.ts';

const account = {
  apiUrl: 'https://api.twilio.com/',
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: 'auth-token',
  from: '+14155550100',
};
const links = {
  open: 'https://stopline.example/app/reports/RPT-1',
  acknowledge: 'https://stopline.example/ack?token=abc',
};

describe('the Twilio request', () => {
  it('texts to the Messages resource of the account, form-encoded, with Basic authentication', () => {
    const request = twilioRequest(account, 'sms', '+4915112345678', {
      title: 'Emergency\r\nsecurity report',
      message: 'unused in a text',
      urgent: true,
      links,
    });
    expect(request.url).toBe(
      'https://api.twilio.com/2010-04-01/Accounts/AC0123456789abcdef0123456789abcdef/Messages.json',
    );
    expect(request.headers).toMatchObject({
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${account.accountSid}:auth-token`).toString('base64')}`,
    });
    const form = new URLSearchParams(request.body);
    expect(Object.fromEntries(form)).toEqual({
      To: '+4915112345678',
      From: '+14155550100',
      Body: `Emergency security report\nAcknowledge: ${links.acknowledge}\n${links.open}`,
    });
  });

  it('cuts a long title, never the links, and never inside a character', () => {
    const title = '🚨'.repeat(2000);
    const body = new URLSearchParams(
      twilioRequest(account, 'sms', '+4915112345678', { title, message: '', urgent: true, links })
        .body,
    ).get('Body')!;
    expect([...body].length).toBeLessThanOrEqual(1600);
    expect(body.endsWith(`Acknowledge: ${links.acknowledge}\n${links.open}`)).toBe(true);
    expect(body).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('calls with TwiML that reads the title as text', () => {
    const request = twilioRequest(account, 'voice', '+4915112345678', {
      title: '</Say><Dial>+19005550100</Dial><Say>',
      message: '',
      urgent: true,
      links,
    });
    expect(request.url.endsWith('/Calls.json')).toBe(true);
    const twiml = new URLSearchParams(request.body).get('Twiml')!;
    expect(twiml).not.toContain('<Dial>');
    expect(twiml).toContain('&#60;/Say&#62;&#60;Dial&#62;');
    expect(twiml).not.toContain(links.acknowledge);
  });
});
