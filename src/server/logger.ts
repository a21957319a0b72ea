// pino JSON logs. Credentials never reach a log line: headers, cookies, tokens, passwords and
// access codes are redacted wherever they appear in a logged object, and a logged error loses
// what a peer wrote back and the password of any URL it names (see serializeError).
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
  '*.anchorWebhookSecret',
  '*.smtpPassword',
  '*.s3SecretAccessKey',
  '*.pass',
  'config.smtpPassword',
  'config.s3SecretAccessKey',
  'password',
  'token',
  'accessCode',
  'access_code',
  'secret',
  'smtpPassword',
  's3SecretAccessKey',
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

/** The password of every scheme://user:password@ in a text (messages, stacks). */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]*:)[^\s/@]*@/gi;

/** Error fields that carry a peer's words or a whole URL: nodemailer's `response` (the SMTP
 * server's reply, which can echo what it was sent) and `rejectedErrors`, and the `input` of
 * Node's invalid-URL errors. */
const PEER_FIELDS = ['response', 'rejectedErrors', 'input'] as const;

/** pino's error serializer, minus the peer's words and URL passwords. */
export function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const shown = pino.stdSerializers.err(error) as unknown as Record<string, unknown>;
  for (const field of PEER_FIELDS) {
    const value = shown[field];
    delete shown[field];
    if (typeof value !== 'string' || value === '') continue;
    for (const key of ['message', 'stack'] as const) {
      const text = shown[key];
      if (typeof text === 'string') shown[key] = text.split(value).join('[redacted]');
    }
  }
  for (const key of ['message', 'stack'] as const) {
    const text = shown[key];
    if (typeof text === 'string') shown[key] = text.replace(URL_PASSWORD, '$1***@');
  }
  return shown;
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
      err: serializeError,
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
