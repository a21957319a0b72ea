// The Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature) of outgoing
// webhooks; outbound-http.ts posts them.
import { createHmac } from 'node:crypto';

/** A secret as the specification shows it: "whsec_" and base64 of 24 to 64 random bytes. */
export const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/;

/** The Standard Webhooks headers for one attempt (the timestamp is the attempt's, in seconds). */
export function standardWebhookHeaders(
  secret: string,
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signature = createHmac('sha256', key)
    .update(`${id}.${timestampSeconds}.${body}`)
    .digest('base64');
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
