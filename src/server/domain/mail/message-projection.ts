// Records the mail subject's events: appends them to the inbound message's stream and writes its
// row (inbound_mail), in the caller's transaction, answering the state they produce. The one
// writer of inbound_mail.
import { appendAndProject, type Projector } from '../../db/event-store.ts';
import { insertRedaction } from '../../db/redactions.ts';
import type { Executor } from '../../db/schema.ts';
import type { MailEvent, RecordedMailEvent } from './message-events.ts';
import { keepReplyToken } from './message-repository.ts';
import { applyMailEvent, type InboundMessage } from './message-state.ts';

const messageProjector: Projector<MailEvent, InboundMessage> = {
  streamType: 'inbound_mail',
  apply: applyMailEvent,
  project: (tx, event, after, id) => projectEvent(tx, id, event, after),
};

/** Appends to an inbound message's stream (state null: a new one) and answers its state after. */
export function appendToMessage(
  tx: Executor,
  id: string,
  state: InboundMessage | null,
  events: readonly MailEvent[],
  at: number,
): Promise<InboundMessage> {
  return appendAndProject(tx, messageProjector, id, state, events, null, at);
}

async function projectEvent(
  tx: Executor,
  id: string,
  event: RecordedMailEvent,
  after: InboundMessage,
): Promise<void> {
  const common = { status: after.status, version: after.version, updated_at: event.at };
  if (event.type === 'mail.redacted') return projectRedaction(tx, id, event, common);
  const row = () => tx.updateTable('inbound_mail').where('id', '=', id);
  switch (event.type) {
    case 'mail.received': {
      const p = event.personal;
      await tx
        .insertInto('inbound_mail')
        .values({
          id,
          via: event.data.via,
          received_at: event.at,
          sha256: event.data.sha256,
          size: event.data.size,
          raw_path: p.rawPath,
          remote_address: p.remoteAddress,
          helo: p.helo,
          envelope_from: p.envelopeFrom,
          envelope_to: JSON.stringify(p.envelopeTo),
          message_id: null,
          from_address: null,
          subject: null,
          auth_json: null,
          report_id: null,
          duplicate_of: null,
          problem: null,
          pgp_json: null,
          redacted_at: null,
          ...common,
        })
        .execute();
      return;
    }
    case 'mail.read':
      await row()
        .set({
          ...common,
          message_id: event.data.messageId,
          auth_json: JSON.stringify(event.data.authentication),
          from_address: event.personal.fromAddress,
          subject: event.personal.subject,
        })
        .execute();
      return;
    case 'mail.openpgp': {
      await row()
        .set({ ...common, pgp_json: JSON.stringify(event.data) })
        .execute();
      const key = event.personal.senderKey;
      // The first key kept for an address stays: a later message cannot swap it.
      if (key)
        await tx
          .insertInto('mail_sender_keys')
          .values({
            address: key.address,
            fingerprint: key.fingerprint,
            public_key: key.publicKey,
            created_at: event.at,
          })
          .onConflict((oc) => oc.column('address').doNothing())
          .execute();
      return;
    }
    case 'mail.sender_key': {
      const key = {
        address: event.personal.address,
        fingerprint: event.data.fingerprint,
        public_key: event.personal.publicKey,
        created_at: event.at,
      };
      await row().set(common).execute();
      // Kept when none was; a replacement (the sender proven by DMARC) takes the kept one's place.
      await tx
        .insertInto('mail_sender_keys')
        .values(key)
        .onConflict((oc) =>
          event.data.decision === 'replace'
            ? oc.column('address').doUpdateSet({
                fingerprint: key.fingerprint,
                public_key: key.public_key,
                created_at: key.created_at,
              })
            : oc.column('address').doNothing(),
        )
        .execute();
      return;
    }
    case 'mail.filed':
      await row()
        .set({ ...common, report_id: event.data.reportId })
        .execute();
      await keepReplyToken(tx, {
        tokenHash: event.personal.replyTokenHash,
        reportId: event.data.reportId,
        at: event.at,
      });
      return;
    case 'mail.joined':
    case 'mail.ignored':
      await row()
        .set({ ...common, report_id: event.data.reportId })
        .execute();
      return;
    case 'mail.duplicate':
      await row()
        .set({ ...common, report_id: event.data.reportId, duplicate_of: event.data.duplicateOf })
        .execute();
      return;
    case 'mail.unreadable':
    case 'mail.refused':
      await row()
        .set({
          ...common,
          problem: event.type === 'mail.unreadable' ? event.data.problem : event.data.reason,
        })
        .execute();
      return;
  }
}

/**
 * A redacted message keeps its record (hash, size, times, what it became, its verdicts) and loses
 * what names or quotes its sender: the connection, the envelope, the From and Subject; the raw
 * file goes from the store once the tombstone is committed (db/redactions.ts).
 */
async function projectRedaction(
  tx: Executor,
  id: string,
  event: Extract<RecordedMailEvent, { type: 'mail.redacted' }>,
  common: { status: string; version: number; updated_at: number },
): Promise<void> {
  await tx
    .updateTable('inbound_mail')
    .set({
      ...common,
      remote_address: null,
      helo: null,
      envelope_from: null,
      envelope_to: null,
      from_address: null,
      subject: null,
      redacted_at: event.at,
    })
    .where('id', '=', id)
    .execute();
  await insertRedaction(tx, {
    streamId: id,
    targetType: 'mail',
    targetId: id,
    field: 'message',
    rule: event.data.rule,
    reason: event.data.reason,
    removedHash: event.data.removedHash,
    actorId: event.actorId,
    at: event.at,
    fileKey: event.personal.fileKey,
  });
}
