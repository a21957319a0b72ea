// Records the mail subject's events: appends them to the inbound message's stream and writes its
// row (inbound_mail), in the caller's transaction, answering the state they produce. The one
// writer of inbound_mail.
import { appendEvents } from '../../db/event-store.ts';
import type { Executor } from '../../db/schema.ts';
import type { MailEvent, RecordedMailEvent } from './message-events.ts';
import { applyMailEvent, type InboundMessage } from './message-state.ts';

export async function appendToMessage(
  tx: Executor,
  id: string,
  state: InboundMessage | null,
  events: readonly MailEvent[],
  at: number,
): Promise<InboundMessage> {
  if (events.length === 0) {
    if (!state) throw new Error(`nothing to record for the new message ${id}`);
    return state;
  }
  const stored = await appendEvents(tx, {
    streamId: id,
    streamType: 'inbound_mail',
    expectedVersion: state?.version ?? 0,
    at,
    events: events.map((e) => ({
      type: e.type,
      visibility: 'internal',
      actorId: null,
      data: e.data as unknown as Record<string, unknown>,
    })),
  });
  let after = state;
  for (const [i, e] of events.entries()) {
    const event = { ...e, seq: stored[i]!.seq, at } as RecordedMailEvent;
    after = applyMailEvent(after, event, id);
    await projectEvent(tx, id, event, after);
  }
  return after!;
}

async function projectEvent(
  tx: Executor,
  id: string,
  event: RecordedMailEvent,
  after: InboundMessage,
): Promise<void> {
  const common = { status: after.status, version: after.version, updated_at: event.at };
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
    case 'mail.filed':
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
      await row()
        .set({ ...common, problem: event.data.problem })
        .execute();
      return;
  }
}
