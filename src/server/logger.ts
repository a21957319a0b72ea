// pino JSON logs. Credentials never reach a log line: headers, cookies, tokens, passwords and
// access codes are redacted wherever they appear in a logged object.
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.token',
  '*.accessCode',
  '*.access_code',
  '*.access_code_hash',
  'req.body',
  '*.secret',
  '*.totp',
  '*.recoveryCode',
  '*.codeVerifier',
  '*.oidcClientSecret',
  '*.smtpPassword',
  '*.pass',
  'config.smtpPassword',
  'password',
  'token',
  'accessCode',
  'access_code',
  'secret',
  'smtpPassword',
];

/** Query parameters that carry one-time secrets (the single sign-on callback's code, links). */
const SECRET_QUERY = /([?&](?:code|state|token|access_?code|session_state)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY, '$1[redacted]');
}

/** An absolute URL with the password of its user:password@ part masked, for listings and logs;
 * anything that does not parse as a URL is masked whole. */
export function redactUrlPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.href;
  } catch {
    return '[redacted]';
  }
}

interface LoggedRequest {
  method?: string;
  url?: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    serializers: {
      req: (req: LoggedRequest) => ({
        method: req.method,
        url: req.url === undefined ? undefined : redactUrl(req.url),
        host: req.host,
        remoteAddress: req.ip,
        remotePort: req.socket?.remotePort,
      }),
    },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'stopline' },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

export type { Logger };
