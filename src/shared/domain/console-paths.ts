// Where the staff console's pages are. The console's router (src/web) declares its routes from
// this table, the server answers /app/… only for them, and every link Stopline sends out (e-mail,
// chat, webhooks) is built here from STOPLINE_BASE_URL, so a link in a notice is a page that
// exists.

/** The console is served under this path; the router's basename. */
export const CONSOLE_BASE = '/app';

/** The console's routes, relative to CONSOLE_BASE, as react-router declares them. */
export const CONSOLE_ROUTES = {
  signIn: 'sign-in',
  deadlines: 'deadlines',
  reports: 'reports',
  alerts: 'alerts',
  report: 'reports/:key',
  incidents: 'incidents',
  incident: 'incidents/:key',
  account: 'account',
  mfa: 'account/mfa',
  tokens: 'account/tokens',
  admin: 'admin/*',
  policy: 'policy',
  breaches: 'breaches',
  statusPage: 'status-page',
  statusPublishing: 'status-page/incidents',
  statusCustomers: 'status-page/customers',
  vulnerabilities: 'vulnerabilities',
  vulnerability: 'vulnerabilities/:key',
  exercises: 'exercises',
  followUps: 'follow-ups',
  onCall: 'on-call',
} as const;

/** What a notice can be about: the page of each, by key. */
export type ConsoleSubject = {
  type: 'incident' | 'report' | 'vulnerability' | 'programme' | 'follow_up';
  key: string;
};

/** Paths inside the console (what the router's links take; prefix CONSOLE_BASE for a URL). */
export const consolePath = {
  dashboard: () => '/',
  incident: (key: string) => `/incidents/${encodeURIComponent(key)}`,
  report: (key: string) => `/reports/${encodeURIComponent(key)}`,
  deadlines: () => '/deadlines',
  breaches: () => '/breaches',
  vulnerabilities: () => '/vulnerabilities',
  vulnerability: (key: string) => `/vulnerabilities/${encodeURIComponent(key)}`,
  exercises: () => '/exercises',
  followUps: () => '/follow-ups',
  onCall: () => '/on-call',
  signIn: () => '/sign-in',
  subject: (s: ConsoleSubject) =>
    s.type === 'incident'
      ? consolePath.incident(s.key)
      : s.type === 'report'
        ? consolePath.report(s.key)
        : s.type === 'vulnerability'
          ? consolePath.vulnerability(s.key)
          : s.type === 'follow_up'
            ? `${consolePath.followUps()}#follow-up-${encodeURIComponent(s.key)}`
            : `${consolePath.exercises()}#${encodeURIComponent(s.key)}`,
};

/** The reporter portal: the one page links to reporters point at (server-rendered, public). */
export const PORTAL_PATH = '/portal';

function origin(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, '');
}

/** The absolute URL of a console page, from STOPLINE_BASE_URL and a path of `consolePath`. */
export function consoleUrl(baseUrl: string, path: string): string {
  return `${origin(baseUrl)}${CONSOLE_BASE}${path}`;
}

/** The absolute URL of the reporter portal. */
export function portalUrl(baseUrl: string): string {
  return `${origin(baseUrl)}${PORTAL_PATH}`;
}

/** Whether a path under CONSOLE_BASE (without it, query or fragment) is one of the console's
 * pages, by the same patterns the router uses (`:key` one segment, `*` anything below). */
export function isConsolePath(path: string): boolean {
  const segments = path.split('/').filter((s) => s.length > 0);
  if (segments.length === 0) return true;
  return Object.values(CONSOLE_ROUTES).some((route) => {
    const parts = route.split('/');
    for (const [i, part] of parts.entries()) {
      if (part === '*') return true;
      const segment = segments[i];
      if (segment === undefined) return false;
      if (!part.startsWith(':') && part !== segment) return false;
    }
    return parts.length === segments.length;
  });
}

/** The acknowledge link of a page (server-rendered, public: the token is the credential). */
export const ACK_PATH = '/ack';

/** The absolute URL of one person's acknowledge link. */
export function ackUrl(baseUrl: string, token: string): string {
  return `${origin(baseUrl)}${ACK_PATH}?token=${encodeURIComponent(token)}`;
}
