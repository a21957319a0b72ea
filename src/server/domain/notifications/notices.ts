// What a notice says on each channel. Restricted incidents are named only by their key: the
// notice goes to people and systems that may not be on the incident. Links go to the console's
// page of the incident (shared/domain/console-paths.ts), or to the reporter portal for reporters.
import { consolePath, consoleUrl, portalUrl } from '../../../shared/domain/console-paths.ts';
import { noticeHtml, noticeTitle } from './notice-text.ts';

const origin = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

export interface LineStoppedNotice {
  incident: {
    id: string;
    key: string;
    title: string;
    severity: string | null;
    restricted: boolean;
  };
  reason: string;
  at: number;
  baseUrl: string;
}

export {
  WEBHOOK_EVENT_TYPES,
  type WebhookEventType,
} from '../../../shared/domain/notifications.ts';

function title(n: LineStoppedNotice): string {
  return n.incident.restricted ? '(restricted incident)' : noticeTitle(n.incident.title);
}

function lineStoppedParts(n: LineStoppedNotice) {
  return {
    subject: `Line stopped: ${n.incident.key} ${title(n)}`.slice(0, 250),
    paragraphs: [
      `The line stopped at ${new Date(n.at).toISOString()} because incident ${n.incident.key} is ${n.reason}.`,
      'Releases wait until the incident is contained. Everyone the policy names is told.',
    ],
    link: {
      label: `Open ${n.incident.key} in Stopline:`,
      url: consoleUrl(n.baseUrl, consolePath.incident(n.incident.key)),
    },
  };
}

export function lineStoppedText(n: LineStoppedNotice): { subject: string; text: string } {
  const { subject, paragraphs, link } = lineStoppedParts(n);
  return { subject, text: [...paragraphs, `${link.label} ${link.url}`].join('\n\n') };
}

/** The incident's page in the console, where the line-stop notice leads. */
export function lineStoppedLink(n: LineStoppedNotice): string {
  return lineStoppedParts(n).link.url;
}

export function lineStoppedHtml(n: LineStoppedNotice): string {
  const { paragraphs, link } = lineStoppedParts(n);
  return noticeHtml(paragraphs, link);
}

/** The webhook payload (documented in docs/notifications.md). */
export function lineStoppedPayload(n: LineStoppedNotice): string {
  return JSON.stringify({
    type: 'incident.line_stopped',
    timestamp: new Date(n.at).toISOString(),
    data: {
      incident: {
        id: n.incident.id,
        key: n.incident.key,
        title: n.incident.restricted ? null : n.incident.title,
        severity: n.incident.severity,
        restricted: n.incident.restricted,
        url: consoleUrl(n.baseUrl, consolePath.incident(n.incident.key)),
      },
      reason: n.reason,
      stoppedAt: new Date(n.at).toISOString(),
    },
  });
}

/** News for a reporter about their report, at the address they gave. */
export interface ReporterNotice {
  /** The reporter's e-mail address (they are not a user). */
  address: string;
  /** The report's key (RPT-0042): the reporter signs in to the portal with it. */
  reportKey: string;
  /** What changed, in a few words (the e-mail subject, before the key). */
  subject: string;
  /** One sentence of what happened; never the content, which stays behind the portal sign-in. */
  line: string;
  /** Unique per notice; a repeated enqueue with the same key is ignored. */
  idempotencyKey: string;
  at: number;
}

export function reporterNoticeText(
  n: ReporterNotice,
  baseUrl: string,
): { subject: string; text: string } {
  return {
    subject: `${n.subject} (${n.reportKey})`,
    text: [
      n.line,
      '',
      `Read it and answer at ${portalUrl(baseUrl)}, signing in with the report key`,
      `${n.reportKey} and your access code.`,
    ].join('\n'),
  };
}

/**
 * A personal-data breach needs the legal role (a breach suspected on an incident): it names the
 * incident by key and links to it, never the breach's details, which stay in the console.
 */
export interface BreachNotice {
  incidentKey: string;
  /** One sentence of what needs the legal role, with no detail of the breach. */
  line: string;
  /** Unique per notice; each person's copy adds their id. */
  idempotencyKey: string;
  at: number;
}

export function breachNoticeText(
  n: BreachNotice,
  baseUrl: string,
): { subject: string; text: string; html: string } {
  const link = {
    label: `Open ${n.incidentKey} in Stopline:`,
    url: consoleUrl(baseUrl, consolePath.incident(n.incidentKey)),
  };
  return {
    subject: `Personal-data breach: ${n.incidentKey} needs the legal role`,
    text: [n.line, `${link.label} ${link.url}`].join('\n\n'),
    html: noticeHtml([n.line], link),
  };
}

/** The automatic receipt for a report that came by e-mail, to the address it came from. */
export interface ReportReceiptNotice {
  address: string;
  reportKey: string;
  /** The reporter's portal access code; the outbox holds it sealed, the text a mark for it. */
  accessCode: string;
  /** The subject the reporter wrote (the receipt answers it). */
  reportSubject: string;
  receivedAt: number;
  acknowledgeDueAt: number;
  /** Where replies go (the report's reply address) and the message it answers. */
  threading?: { messageId?: string; replyTo?: string; inReplyTo?: string; references?: string[] };
  idempotencyKey: string;
  at: number;
}

/** Control characters and line breaks out, so nothing the reporter wrote can add a header. */
const headerSafe = (text: string, max: number) =>
  text
    .replace(/\p{Cc}+/gu, ' ')
    .trim()
    .slice(0, max);

/**
 * The receipt's words: the report's key, when it will be acknowledged, and the portal with the
 * access code (`accessCode`: the code itself, or where the worker puts it as it sends).
 */
export function reportReceiptText(
  n: Omit<ReportReceiptNotice, 'accessCode'>,
  baseUrl: string,
  accessCode: string,
): { subject: string; text: string } {
  return {
    subject: `[${n.reportKey}] Received: ${headerSafe(n.reportSubject, 150)}`,
    text: [
      `We have received your security report. It is recorded as ${n.reportKey}`,
      `(received ${new Date(n.receivedAt).toISOString()}).`,
      '',
      'A person on our security team will read it and acknowledge it by',
      `${new Date(n.acknowledgeDueAt).toISOString()}.`,
      '',
      'You can follow it and write to us in the reporter portal:',
      `  ${portalUrl(baseUrl)}`,
      `  report key:  ${n.reportKey}`,
      `  access code: ${accessCode}`,
      'Keep the code to yourself: whoever has it can read the conversation about your report.',
      '',
      `When you write to us about it again, keep [${n.reportKey}] in the subject.`,
      '',
      'This receipt was sent automatically; please do not reply to it with the report again.',
    ].join('\n'),
  };
}

/**
 * The answer to a message refused because it came unencrypted (STOPLINE_MAIL_ENCRYPTION
 * refuse-plaintext): why, and how to send it again encrypted; never a word of what it said.
 */
export interface PlaintextRefusalNotice {
  address: string;
  /** The subject the sender wrote (the answer names it). */
  subject: string;
  /** The security address and the team key's fingerprint, to encrypt to. */
  securityAddress: string;
  fingerprint: string | null;
  threading?: { inReplyTo?: string; references?: string[] };
  idempotencyKey: string;
  at: number;
}

export function plaintextRefusalText(
  n: PlaintextRefusalNotice,
  baseUrl: string,
): { subject: string; text: string } {
  return {
    subject: `Not accepted (send it encrypted): ${headerSafe(n.subject, 150)}`,
    text: [
      `We take security reports at ${n.securityAddress} only encrypted with our OpenPGP key,`,
      'so your message was not accepted and no one on our team has read it.',
      '',
      'Please encrypt it to our key and send it again:',
      `  ${origin(baseUrl)}/pgp-key.asc`,
      ...(n.fingerprint ? [`  fingerprint ${n.fingerprint}`] : []),
      `Most mail programs also find the key for ${n.securityAddress} by themselves (WKD).`,
      `Or use the form at ${origin(baseUrl)}/report, which is sent over HTTPS.`,
      '',
      'This answer was sent automatically.',
    ].join('\n'),
  };
}

/**
 * A message from the security team to the reporter of a report that came by e-mail, by e-mail:
 * the text itself (the reporter has no portal access code yet), threaded on their mail. It is
 * encrypted to the reporter's key when one is kept (the delivery worker does that).
 */
export interface ReporterMessageNotice {
  address: string;
  reportKey: string;
  /** The report's summary (the subject the reporter wrote). */
  reportSummary: string;
  body: string;
  threading: { messageId?: string; replyTo?: string; inReplyTo?: string; references?: string[] };
  idempotencyKey: string;
  at: number;
}

export function reporterMessageText(n: ReporterMessageNotice): { subject: string; text: string } {
  return {
    subject: `[${n.reportKey}] Re: ${headerSafe(n.reportSummary, 150)}`,
    text: [
      n.body,
      '',
      '-- ',
      `From the security team about your report ${n.reportKey}. Reply to this e-mail to answer;`,
      `keep [${n.reportKey}] in the subject.`,
    ].join('\n'),
  };
}
