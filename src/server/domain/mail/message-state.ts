// An inbound message as its events leave it: the reduction the use cases decide on.
import type {
  MailAuthentication,
  MailPgpVerdict,
  MailVia,
  RecordedMailEvent,
} from './message-events.ts';

export type MailStatus =
  'received' | 'report' | 'reply' | 'ignored' | 'duplicate' | 'unreadable' | 'refused';

export interface InboundMessage {
  id: string;
  version: number;
  via: MailVia;
  receivedAt: number;
  sha256: string;
  size: number;
  status: MailStatus;
  messageId: string | null;
  authentication: MailAuthentication | null;
  automatic: string | null;
  reportId: string | null;
  duplicateOf: string | null;
  problem: string | null;
  /** Its OpenPGP verdict; null when it had none. */
  pgp: MailPgpVerdict | null;
  /** When the message as received was redacted (retention); null while it is kept. */
  redactedAt: number | null;
}

/** The state after one more event (null before the first). */
export function applyMailEvent(
  state: InboundMessage | null,
  event: RecordedMailEvent,
  id: string,
): InboundMessage {
  if (event.type === 'mail.received') {
    return {
      id,
      version: event.seq,
      via: event.data.via,
      receivedAt: event.at,
      sha256: event.data.sha256,
      size: event.data.size,
      status: 'received',
      messageId: null,
      authentication: null,
      automatic: null,
      reportId: null,
      duplicateOf: null,
      problem: null,
      pgp: null,
      redactedAt: null,
    };
  }
  if (!state) throw new Error(`${event.type} before mail.received on ${id}`);
  const next = { ...state, version: event.seq };
  switch (event.type) {
    case 'mail.read':
      return {
        ...next,
        messageId: event.data.messageId,
        authentication: event.data.authentication,
        automatic: event.data.automatic,
      };
    case 'mail.openpgp':
      return { ...next, pgp: event.data };
    case 'mail.sender_key':
      return next;
    case 'mail.filed':
      return { ...next, status: 'report', reportId: event.data.reportId };
    case 'mail.joined':
      return { ...next, status: 'reply', reportId: event.data.reportId };
    case 'mail.ignored':
      return { ...next, status: 'ignored', reportId: event.data.reportId };
    case 'mail.duplicate':
      return {
        ...next,
        status: 'duplicate',
        duplicateOf: event.data.duplicateOf,
        reportId: event.data.reportId,
      };
    case 'mail.unreadable':
      return { ...next, status: 'unreadable', problem: event.data.problem };
    case 'mail.refused':
      return { ...next, status: 'refused', problem: event.data.reason };
    case 'mail.redacted':
      return { ...next, redactedAt: event.at };
  }
}
