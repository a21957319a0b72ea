// A text message or a call through a Twilio-compatible API (the Programmable Messaging and Voice
// REST API, https://www.twilio.com/docs/usage/api): a form-encoded POST to
// /2010-04-01/Accounts/{AccountSid}/Messages.json (To, From, Body) or …/Calls.json (To, From,
// Twiml), authenticated with HTTP Basic (the account SID and its auth token). The call reads the
// notice out with <Say>; text others wrote (titles) is escaped as XML.
import type { PersonalNotice } from '../domain/notifications/index.ts';
import { cut, oneLine } from './personal-text.ts';

export interface TwilioSettings {
  /** Base URL of the API, https://api.twilio.com unless the operator names another. */
  apiUrl: string;
  accountSid: string;
  authToken: string;
  /** The number texts and calls come from (E.164). */
  from: string;
}

/** A text is at most 1,600 characters on Twilio (longer ones are refused). */
const SMS_CHARS = 1600;
/** What a call says of the title. */
const SPOKEN_CHARS = 300;

function xmlText(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The text: the title, then what to do (the acknowledge link first, on a page) and where. */
export function smsBody(notice: PersonalNotice): string {
  const links = [
    ...(notice.links?.acknowledge ? [`Acknowledge: ${notice.links.acknowledge}`] : []),
    ...(notice.links ? [notice.links.open] : []),
  ].join('\n');
  const room = SMS_CHARS - links.length - 1;
  const title = cut(oneLine(notice.title), room);
  return links === '' ? title : `${title}\n${links}`;
}

/** What the call says: the title twice (a sleeper misses the first), and where to acknowledge. */
export function callTwiml(notice: PersonalNotice): string {
  const title = xmlText(cut(oneLine(notice.title), SPOKEN_CHARS));
  const ack = notice.links?.acknowledge
    ? 'Acknowledge it with the link in your text message or e-mail, or in the Stopline console.'
    : 'Details are in the Stopline console.';
  const say = `<Say>Stopline. ${title}. ${ack}</Say>`;
  return `<Response>${say}<Pause length="1"/>${say}</Response>`;
}

export function twilioRequest(
  settings: TwilioSettings,
  channel: 'sms' | 'voice',
  to: string,
  notice: PersonalNotice,
): { url: string; body: string; headers: Record<string, string> } {
  const resource = channel === 'sms' ? 'Messages' : 'Calls';
  const base = settings.apiUrl.replace(/\/+$/, '');
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/${resource}.json`;
  const form = new URLSearchParams({ To: to, From: settings.from });
  if (channel === 'sms') form.set('Body', smsBody(notice));
  else form.set('Twiml', callTwiml(notice));
  const basic = Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString('base64');
  return {
    url,
    body: form.toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
      authorization: `Basic ${basic}`,
    },
  };
}
