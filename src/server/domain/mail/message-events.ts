// An inbound message's event types and their data: the contract between the mail use cases that
// decide and the projection that records (message-projection.ts). Each inbound message is a
// stream of its own. Addresses and subjects are personal data: they go on the row, never in the
// log, so they stay erasable.
import type { Recorded } from '../../db/event-store.ts';

export type MailVia = 'smtp' | 'imap';

/** What SPF, DKIM and DMARC said of a message, as recorded (mailauth's words). */
export interface MailAuthentication {
  /** pass, fail, softfail, neutral, none, temperror, permerror. */
  spf: string;
  /** One entry per DKIM signature; empty when the message was not signed. */
  dkim: { domain: string; result: string }[];
  /** pass, fail, none, temperror, permerror. */
  dmarc: string;
  /** The domain of the From header, which DMARC aligns to. */
  fromDomain: string | null;
}

/** A signature's verdict: valid, made by a key we do not have, or not matching (bad). */
export interface SignatureVerdict {
  result: 'valid' | 'unknown-key' | 'bad';
  fingerprint: string | null;
  keyId: string | null;
}

/** What was recorded of a message's OpenPGP (mail.openpgp). */
export interface MailPgpVerdict {
  /** How it was encrypted; null when it was only signed. */
  encrypted: 'pgp-mime' | 'inline' | 'attachment' | null;
  /** Whether what was encrypted could be decrypted (null: nothing was encrypted). */
  decrypted: boolean | null;
  /** Why it could not be decrypted or read. */
  problem: string | null;
  /** The signature's verdict, and whether its key was the one kept for the sender. */
  signature: (SignatureVerdict & { keyFrom: 'kept' | 'message' | null }) | null;
}

export interface MailEventData {
  /** The raw bytes are on disk with this hash before anything reads them. */
  'mail.received': { via: MailVia; sha256: string; size: number };
  /** Headers read: the Message-ID, authentication, and whether a machine sent it. */
  'mail.read': {
    messageId: string | null;
    authentication: MailAuthentication;
    automatic: string | null;
  };
  /** Its OpenPGP: how it was encrypted, whether it opened, the signature's verdict. */
  'mail.openpgp': MailPgpVerdict;
  /** A new report was made of it. */
  'mail.filed': { reportId: string; reportKey: string; receiptSent: boolean };
  /** A reply on an existing report's conversation, matched by In-Reply-To/References. */
  'mail.joined': { reportId: string; reportKey: string; by: 'token' | 'in-reply-to' };
  /** A machine answered on a report's thread (an auto-reply, a bounce): kept, not added. */
  'mail.ignored': { reportId: string; reason: string };
  /** The same Message-ID arrived before: the earlier message's id and what it became. */
  'mail.duplicate': { duplicateOf: string; reportId: string | null };
  /**
   * The sender's Autocrypt header offered a key for their address: kept (none was) or replacing
   * the kept one (the sender proven by DMARC); the key itself goes on the keys' row only.
   */
  'mail.sender_key': {
    source: 'autocrypt';
    fingerprint: string;
    decision: 'keep' | 'replace';
    replacedFingerprint: string | null;
  };
  /** It could not be read; the raw bytes stay stored. */
  'mail.unreadable': { problem: string };
  /**
   * Refused by the encryption policy (refuse-plaintext): it came unencrypted. Kept as received,
   * made into nothing; `answered`: the sender was told why and how to send it encrypted.
   */
  'mail.refused': { reason: string; answered: boolean };
  /**
   * A tombstone (issue 19, retention): the message as received (its raw bytes, every body and
   * attachment in them) and the sender's details on its row were removed `mailDays` after the
   * close of the report it belongs to (or after receipt when it became none). `removedHash`:
   * HMAC-SHA256 under the server key of what went (the raw bytes' SHA-256 and the row's details).
   */
  'mail.redacted': { rule: 'retention'; reason: string; removedHash: string };
}

/** What an event puts on the row but never in the log. */
export interface MailPersonalData {
  'mail.received': {
    rawPath: string;
    remoteAddress: string | null;
    helo: string | null;
    envelopeFrom: string | null;
    envelopeTo: string[];
  };
  'mail.read': { fromAddress: string | null; subject: string | null };
  /** A public key the message brought for its sender, kept when none was (first key wins). */
  'mail.openpgp': {
    senderKey: { address: string; fingerprint: string; publicKey: string } | null;
  };
  'mail.sender_key': { address: string; publicKey: string };
  /** The SHA-256 of the new report's reply token (the token itself is never stored). */
  'mail.filed': { replyTokenHash: string };
  /** The stored raw message the redaction removes, once it is committed. */
  'mail.redacted': { fileKey: string };
}

export type MailEventType = keyof MailEventData;

export type MailEvent = {
  [K in MailEventType]: { type: K; data: MailEventData[K] } & (K extends keyof MailPersonalData
    ? { personal: MailPersonalData[K] }
    : { personal?: never });
}[MailEventType];

export type RecordedMailEvent = Recorded<MailEvent>;
