// The console's service worker (served as /app/service-worker.js, scope /app/): it shows the
// Web Push notifications Stopline sends (src/server/integrations/web-push-sender.ts) and nothing
// else: it has no fetch handler, so every page and API call goes to the server as without it.
// A push carries JSON: title, body, urgent, open (the console page it is about) and, on a page,
// acknowledge (this person's acknowledge link). A click opens the page; the "Acknowledge" action
// opens the acknowledge link, whose page acknowledges with one button (no second sign-in).

const CONSOLE = new URL('./', self.location.href).href;

/** Only this server's own pages are opened: anything else opens the console's home. */
function sameOrigin(link) {
  try {
    const url = new URL(link, CONSOLE);
    return url.origin === self.location.origin ? url.href : CONSOLE;
  } catch {
    return CONSOLE;
  }
}

function readPush(data) {
  if (!data) return { title: 'Stopline', body: '' };
  try {
    return data.json();
  } catch {
    return { title: 'Stopline', body: data.text() };
  }
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('push', (event) => {
  const push = readPush(event.data);
  const acknowledge = typeof push.acknowledge === 'string' ? push.acknowledge : null;
  const open = typeof push.open === 'string' ? push.open : null;
  event.waitUntil(
    self.registration.showNotification(String(push.title || 'Stopline'), {
      body: String(push.body || ''),
      icon: new URL('icons/stopline-192.png', CONSOLE).href,
      // An urgent notice (a page, the line stopping) stays until it is dealt with.
      requireInteraction: push.urgent === true,
      data: { open, acknowledge },
      actions: acknowledge ? [{ action: 'acknowledge', title: 'Acknowledge' }] : [],
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  const { open, acknowledge } = event.notification.data || {};
  event.notification.close();
  const target = sameOrigin(event.action === 'acknowledge' && acknowledge ? acknowledge : open);
  event.waitUntil(
    self.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const there = windows.find((w) => w.url === target);
      if (there) return there.focus();
      return self.clients.openWindow(target);
    }),
  );
});
