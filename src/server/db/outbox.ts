// The outbox: notices are enqueued in the same transaction as the change that causes them and
// delivered after commit by the outbox worker. A repeated enqueue with the same idempotency key
// is ignored, so a retried use case never sends twice.
import { newId } from '../ids.ts';
import type { Executor } from './schema.ts';

export interface OutboxMessage {
  channel: 'email' | 'slack' | 'webhook';
  recipient: string;
  subject: string;
  bodyText: string;
  bodyHtml?: string;
  idempotencyKey: string;
}

export async function enqueueMessage(
  tx: Executor,
  message: OutboxMessage,
  at: number,
): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({
      id: newId(),
      channel: message.channel,
      recipient: message.recipient,
      subject: message.subject,
      body_text: message.bodyText,
      body_html: message.bodyHtml ?? null,
      idempotency_key: message.idempotencyKey,
      status: 'pending',
      created_at: at,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
}
