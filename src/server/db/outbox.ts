// The outbox: notices are enqueued in the same transaction as the change that causes them and
// delivered after commit by the outbox worker, which the commit wakes (db/outbox-notices.ts). A
// repeated enqueue with the same idempotency key is ignored, so a retried use case never sends
// twice.
import { newId } from '../ids.ts';
import { announceEnqueued } from './outbox-notices.ts';
import { retryDeadMessage, type MailThreading } from './outbox-delivery.ts';
export { SEALED_SECRET_MARK } from './outbox-delivery.ts';
import type { Executor } from './schema.ts';

export type { MailThreading };

/** email: recipient is an address; webhook, slack, chat, teams: recipient is a webhook endpoint id;
 * ntfy, sms, voice: recipient is the user whose topic or phone number it goes to (body: the
 * notice as JSON, a PersonalNotice);
 * push: recipient is one browser's push subscription (body: a PersonalNotice);
 * pagerduty, opsgenie: recipient is a webhook endpoint of that kind (body: an AlertEvent);
 * hook: recipient is a containment hook id (subject: apply or revert);
 * tracker: recipient is an issue to open in a development tracker (trackers subject). */
export const OUTBOX_CHANNELS = [
  'email',
  'webhook',
  'slack',
  'chat',
  'teams',
  'hook',
  'tracker',
  'ntfy',
  'sms',
  'voice',
  'push',
  'pagerduty',
  'opsgenie',
] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/**
 * A delivery that must not be tried again (a receiver refused the credentials: retrying cannot
 * help until someone fixes them): the outbox worker settles it as a dead letter at once, with this
 * message as its error. An admin retries the dead letter once it is fixed.
 */
export class DeadLetter extends Error {
  override readonly name = 'DeadLetter';
}

export interface OutboxMessage {
  channel: OutboxChannel;
  recipient: string;
  subject: string;
  bodyText: string;
  bodyHtml?: string | undefined;
  idempotencyKey: string;
  /** Slack only: member ids to @mention at the top of the message. */
  mentions?: readonly string[] | undefined;
  /** E-mail only: the headers that thread it with the recipient's earlier mail. */
  threading?: MailThreading | undefined;
  /** E-mail only: the one-click unsubscribe URL (List-Unsubscribe and List-Unsubscribe-Post). */
  listUnsubscribe?: string | undefined;
  /**
   * E-mail only: a secret the text carries (a portal access code), already sealed with the
   * server key; the delivery worker opens it into the text at SEALED_SECRET_MARK as it sends,
   * and the row forgets it once delivered.
   */
  sealedSecret?: string | undefined;
}

export async function enqueueMessage(
  tx: Executor,
  message: OutboxMessage,
  at: number,
  /** First attempt no earlier than this (quiet hours); default at once. */
  notBefore: number = at,
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
      mentions_json: message.mentions?.length ? JSON.stringify(message.mentions) : null,
      threading_json: message.threading ? JSON.stringify(message.threading) : null,
      list_unsubscribe: message.listUnsubscribe ?? null,
      sealed_secret: message.sealedSecret ?? null,
      idempotency_key: message.idempotencyKey,
      status: 'pending',
      created_at: at,
      next_attempt_at: notBefore,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .execute();
  await announceEnqueued(tx);
}

/**
 * A dead letter back to pending, due now, with a fresh round of attempts, found by its idempotency
 * key: its sender mended what made it dead (new credentials). False when it was not dead.
 */
export async function reviveDeadMessage(
  tx: Executor,
  idempotencyKey: string,
  at: number,
): Promise<boolean> {
  const row = await tx
    .selectFrom('outbox')
    .select('id')
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return row ? retryDeadMessage(tx, row.id, at) : false;
}
