// The console as an installed app: its service worker (public/service-worker.js, scope /app/)
// shows Web Push notifications. This browser's push subscription is made with the server's VAPID
// public key and registered for the signed-in person (POST /api/v1/me/push-subscriptions).
import { CONSOLE_BASE } from '../shared/domain/console-paths.ts';

const WORKER = `${CONSOLE_BASE}/service-worker.js`;
const SCOPE = `${CONSOLE_BASE}/`;

/** Whether this browser can take Web Push at all. */
export function pushSupported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** Registers the service worker (once per page load; the browser keeps it between visits). */
export function registerServiceWorker(): void {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register(WORKER, { scope: SCOPE }).catch(() => {
    // Without it the console works as before; only push is unavailable.
  });
}

async function registration(): Promise<ServiceWorkerRegistration> {
  const found = await navigator.serviceWorker.getRegistration(SCOPE);
  if (found) return found;
  return navigator.serviceWorker.register(WORKER, { scope: SCOPE });
}

/** This browser's current subscription, if it has one. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  return (await registration()).pushManager.getSubscription();
}

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/');
  const text = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(new ArrayBuffer(text.length));
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** Asks for permission to notify, then subscribes with the server's key (a subscription made
 * with another key, or `fresh`, is replaced). Answers null when permission was not given. */
export async function subscribeThisBrowser(
  publicKey: string,
  fresh = false,
): Promise<PushSubscription | null> {
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') return null;
  const { pushManager } = await registration();
  const existing = await pushManager.getSubscription();
  if (existing) {
    const key = existing.options.applicationServerKey;
    const same =
      key !== null && new Uint8Array(key).join(',') === keyBytes(publicKey).join(',') && !fresh;
    if (same) return existing;
    await existing.unsubscribe();
  }
  return pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: keyBytes(publicKey),
  });
}

/** What to call this device in the list: the browser and system, as the browser names them. */
export function deviceName(): string {
  const agent = navigator.userAgent;
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chromium'
        : /Safari\//.test(agent)
          ? 'Safari'
          : 'Browser';
  const system = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Mac OS X/.test(agent)
        ? 'macOS'
        : /Windows/.test(agent)
          ? 'Windows'
          : /Linux/.test(agent)
            ? 'Linux'
            : 'this system';
  return `${browser} on ${system}`;
}
