// Stopline's cookies: the session, and the short-lived single sign-on flow. Read from the Cookie
// header, written HttpOnly, SameSite=Lax and (behind https) Secure. Small enough not to need a
// cookie library.

export const SESSION_COOKIE = 'stopline_session';
export const OIDC_FLOW_COOKIE = 'stopline_oidc';
export const OIDC_FLOW_PATH = '/api/v1/session/oidc';

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      const value = part.slice(eq + 1).trim();
      return /^[A-Za-z0-9_-]{1,200}$/.test(value) ? value : null;
    }
  }
  return null;
}

export function cookie(
  name: string,
  value: string,
  options: { maxAgeSeconds: number; secure: boolean; path?: string },
): string {
  return [
    `${name}=${value}`,
    `Path=${options.path ?? '/'}`,
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`,
    ...(options.secure ? ['Secure'] : []),
  ].join('; ');
}

export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return cookie(SESSION_COOKIE, value, { maxAgeSeconds, secure });
}

export function clearedSessionCookie(secure: boolean): string {
  return sessionCookie('', 0, secure);
}
