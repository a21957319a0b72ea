// A Web Push message to one browser (RFC 8030), its payload encrypted to the browser's key as
// aes128gcm (RFC 8291) and signed for the push service with the server's VAPID key (RFC 8292),
// made by the npm `web-push` library without sending: the outbox worker sends it through the
// checked outbound HTTP client like any other receiver. The payload is what the console's service
// worker shows (src/web/public/service-worker.js): a title, one body, where a click leads and, on
// a page, this person's acknowledge link for the "Acknowledge" action.
import webPush from 'web-push';
import type { PersonalNotice, PushTarget } from '../domain/notifications/index.ts';
import { cut, oneLine } from './personal-text.ts';

/** Push services take at most 4096 bytes of payload; the record and its padding take 103. */
const PAYLOAD_BYTES = 3800;
const TITLE_CHARS = 200;
/** A push not delivered within a day (the device was off) is no use any more. */
const TTL_SECONDS = 24 * 60 * 60;
/** How long the VAPID token holds (RFC 8292: at most 24 hours). */
const VAPID_SECONDS = 12 * 60 * 60;

/** What the service worker reads from a push (JSON). */
export interface PushPayload {
  title: string;
  body: string;
  urgent: boolean;
  /** The console page it is about (a click opens it). */
  open: string | null;
  /** On a page: this person's acknowledge link (the "Acknowledge" action opens it). */
  acknowledge: string | null;
}

export function pushPayload(notice: PersonalNotice): string {
  const payload: PushPayload = {
    title: cut(oneLine(notice.title), TITLE_CHARS),
    body: notice.message,
    urgent: notice.urgent,
    open: notice.links?.open ?? null,
    acknowledge: notice.links?.acknowledge ?? null,
  };
  let json = JSON.stringify(payload);
  // The body gives way, never the links.
  let chars = [...payload.body].length;
  while (Buffer.byteLength(json) > PAYLOAD_BYTES && chars > 0) {
    chars = Math.max(0, chars - Math.ceil((Buffer.byteLength(json) - PAYLOAD_BYTES) / 3) - 1);
    json = JSON.stringify({ ...payload, body: `${cut(payload.body, chars)}…` });
  }
  return json;
}

/** The POST to the browser's push service: encrypted body, VAPID Authorization, TTL, Urgency. */
export function webPushRequest(
  target: PushTarget,
  notice: PersonalNotice,
  now: number,
): { url: string; body: Buffer; headers: Record<string, string> } {
  const { vapid } = target;
  const audience = new URL(target.endpoint).origin;
  const expiration = Math.floor(now / 1000) + VAPID_SECONDS;
  const { Authorization } = webPush.getVapidHeaders(
    audience,
    vapid.subject,
    vapid.publicKey,
    vapid.privateKey,
    'aes128gcm',
    expiration,
  );
  const details = webPush.generateRequestDetails(
    { endpoint: target.endpoint, keys: { p256dh: target.p256dh, auth: target.auth } },
    pushPayload(notice),
    {
      TTL: TTL_SECONDS,
      urgency: notice.urgent ? 'high' : 'normal',
      contentEncoding: 'aes128gcm',
      headers: { Authorization },
    },
  );
  const headers = Object.fromEntries(
    Object.entries(details.headers).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  return { url: target.endpoint, body: details.body as Buffer, headers };
}
