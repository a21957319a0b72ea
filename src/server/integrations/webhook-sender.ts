// Outgoing HTTP webhooks: a bare JSON POST (used by Slack and chat too) and the Standard
// Webhooks signature (webhook-id, webhook-timestamp, webhook-signature). Any answer outside
// 2xx, a network error or a timeout is a failed attempt the worker retries.
import { createHmac } from 'node:crypto';

export interface HttpPoster {
  /** POSTs `body` as JSON; throws on a non-2xx answer or a network failure. */
  post(url: string, body: string, headers?: Record<string, string>): Promise<void>;
}

export function createHttpPoster(options: { timeoutMs?: number } = {}): HttpPoster {
  const timeoutMs = options.timeoutMs ?? 15_000;
  return {
    async post(url, body, headers = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Stopline-Webhooks/1',
          ...headers,
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection can be reused; only its first bytes go into an error.
      const answer = await response.text().catch(() => '');
      if (response.status < 200 || response.status > 299) {
        throw new Error(`HTTP ${response.status} from the receiver: ${answer.slice(0, 200)}`);
      }
    },
  };
}

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
