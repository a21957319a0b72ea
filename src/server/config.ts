// The only reader of the environment: turns env variables (and an optional config file) into a
// validated Config, or a one-line error that names the bad key.
import { readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { isAllowListEntry } from './integrations/outbound-address.ts';
import { WEBHOOK_SECRET } from './integrations/webhook-sender.ts';
import { STATUS_LANGUAGES } from '../shared/domain/status.ts';
import { projectFile } from './project-files.ts';

export const BUNDLED_POLICY = projectFile('policies/default.yaml');

const port = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must be between 0 and 65535')
  .max(65535, 'must be between 0 and 65535');

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/** Each key, its environment variable, and what it means (the README table is written from this). */
export const CONFIG_KEYS = {
  port: { env: 'PORT', help: 'TCP port the HTTP server listens on', default: '8080' },
  host: { env: 'HOST', help: 'Address the HTTP server binds to', default: '127.0.0.1' },
  dataDir: {
    env: 'STOPLINE_DATA_DIR',
    help: 'Folder for the SQLite database and stored files',
    default: './data',
  },
  fileStore: {
    env: 'STOPLINE_FILE_STORE',
    help: 'Where attachments and raw mail are kept: database (every instance serves every file; in the database backup), s3 (an S3-compatible bucket, STOPLINE_S3_*; every instance serves every file) or fs (files under $STOPLINE_DATA_DIR, one instance only)',
    default: 'database on PostgreSQL, fs on SQLite',
  },
  s3Bucket: {
    env: 'STOPLINE_S3_BUCKET',
    help: 'With STOPLINE_FILE_STORE=s3: the bucket files are kept in (it must exist)',
    default: '(unset)',
  },
  s3Endpoint: {
    env: 'STOPLINE_S3_ENDPOINT',
    help: 'With s3: the URL of the S3-compatible service (MinIO, Ceph, Garage, a cloud); the bucket is addressed by path',
    default: 'https://s3.$STOPLINE_S3_REGION.amazonaws.com',
  },
  s3Region: {
    env: 'STOPLINE_S3_REGION',
    help: 'With s3: the region requests are signed for',
    default: 'us-east-1',
  },
  s3AccessKeyId: {
    env: 'STOPLINE_S3_ACCESS_KEY_ID',
    help: 'With s3: the access key id',
    default: '(unset)',
  },
  s3SecretAccessKey: {
    env: 'STOPLINE_S3_SECRET_ACCESS_KEY',
    help: 'With s3: the secret access key (never logged)',
    default: '(unset)',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    help: 'A postgres:// URL selects PostgreSQL; unset means SQLite at $STOPLINE_DATA_DIR/stopline.db',
    default: '(unset)',
  },
  baseUrl: {
    env: 'STOPLINE_BASE_URL',
    help: 'Public URL of this Stopline, used in links in e-mails and pages; https turns on Secure cookies and HSTS',
    default: 'http://localhost:$PORT',
  },
  logLevel: {
    env: 'STOPLINE_LOG_LEVEL',
    help: 'fatal, error, warn, info, debug, trace or silent',
    default: 'info',
  },
  bodyLimit: {
    env: 'STOPLINE_BODY_LIMIT',
    help: 'Largest accepted request body, in bytes',
    default: '1048576',
  },
  pgSchema: {
    env: 'STOPLINE_PG_SCHEMA',
    help: 'PostgreSQL schema holding Stopline tables (created if missing); lets several installations share one database',
    default: 'public',
  },
  pgPoolSize: {
    env: 'STOPLINE_PG_POOL_SIZE',
    help: 'PostgreSQL connections per instance',
    default: '10',
  },
  trustProxy: {
    env: 'STOPLINE_TRUST_PROXY',
    help: 'true when behind a reverse proxy that sets X-Forwarded-For (client IPs for rate limits and audit)',
    default: 'false',
  },
  policyFile: {
    env: 'STOPLINE_POLICY',
    help: 'The incident response policy in force (YAML); `stopline policy check FILE` validates one',
    default: 'policies/default.yaml (bundled)',
  },
  sessionIdleMinutes: {
    env: 'STOPLINE_SESSION_IDLE_MINUTES',
    help: 'A signed-in session ends after this many minutes without a request',
    default: '120',
  },
  sessionMaxHours: {
    env: 'STOPLINE_SESSION_MAX_HOURS',
    help: 'A signed-in session ends this many hours after sign-in, however active',
    default: '24',
  },
  requireAdminMfa: {
    env: 'STOPLINE_REQUIRE_ADMIN_MFA',
    help: 'true: admins act as admins only after enrolling a TOTP second factor',
    default: 'false',
  },
  signInMaxFailures: {
    env: 'STOPLINE_SIGNIN_MAX_FAILURES',
    help: 'Failed sign-ins for one account from one address (an IPv6 /64) before that address is held back for it: 1 minute, doubling with every further failure up to 1 hour (four times as many from one address across accounts hold it back 15 minutes); a right password with a current second factor always signs in',
    default: '5',
  },
  linkValidHours: {
    env: 'STOPLINE_LINK_VALID_HOURS',
    help: 'How long a first-run setup or set-password link stays valid',
    default: '24',
  },
  roleNames: {
    env: 'STOPLINE_ROLE_NAMES',
    help: 'What the roles are called here, e.g. "responder=Developer,viewer=Executive"; role ids stay the same',
    default: '(built-in names)',
  },
  oidcIssuer: {
    env: 'STOPLINE_OIDC_ISSUER',
    help: 'OpenID Connect issuer URL; set it (with the client id and secret) to offer single sign-on',
    default: '(unset: no single sign-on)',
  },
  oidcClientId: {
    env: 'STOPLINE_OIDC_CLIENT_ID',
    help: 'OpenID Connect client id registered for Stopline (redirect URI: $STOPLINE_BASE_URL/api/v1/session/oidc/callback)',
    default: '(unset)',
  },
  oidcClientSecret: {
    env: 'STOPLINE_OIDC_CLIENT_SECRET',
    help: 'OpenID Connect client secret',
    default: '(unset)',
  },
  secretKey: {
    env: 'STOPLINE_SECRET_KEY',
    help: 'Key that seals stored TOTP and webhook signing secrets (32+ characters; the same on every instance); unset: a random key kept in $STOPLINE_DATA_DIR/secret.key',
    default: '(unset: key file in the data folder)',
  },
  oidcRolesClaim: {
    env: 'STOPLINE_OIDC_ROLES_CLAIM',
    help: "ID-token claim listing the person's groups or roles",
    default: 'groups',
  },
  oidcRoleMap: {
    env: 'STOPLINE_OIDC_ROLE_MAP',
    help: 'Claim value to Stopline role, e.g. "sec-admins=admin,sec-oncall=responder"; unset: claim values that are role names are used as they are',
    default: '(unset)',
  },
  securityEmail: {
    env: 'STOPLINE_SECURITY_EMAIL',
    help: 'Address for security reports by e-mail; listed in security.txt and on the report pages',
    default: '(unset)',
  },
  statusHost: {
    env: 'STOPLINE_STATUS_HOST',
    help: 'A host name of its own for the status page (e.g. status.example.com): requests for / with this Host get the status page',
    default: '(unset)',
  },
  statusLanguage: {
    env: 'STOPLINE_STATUS_LANGUAGE',
    help: "Language of the public status page's words and dates: en (English) or de (German)",
    default: 'en',
  },
  statusPageName: {
    env: 'STOPLINE_STATUS_PAGE_NAME',
    help: 'Name of the public status page (/status), shown as its heading and as page.name in /api/v2',
    default: 'Service status',
  },
  advisoryPublisher: {
    env: 'STOPLINE_ADVISORY_PUBLISHER',
    help: 'Who publishes the security advisories (/advisories), as the CSAF documents name the publisher',
    default: 'the host name of STOPLINE_BASE_URL',
  },
  cveOrgId: {
    env: 'STOPLINE_CVE_ORG_ID',
    help: "The CNA's organisation UUID in the CVE program; set, each published advisory with a CVE id has a CVE Record",
    default: '(unset: no CVE Records)',
  },
  securityPgpKeyUrl: {
    env: 'STOPLINE_SECURITY_PGP_KEY_URL',
    help: "URL of the security team's OpenPGP public key; listed as Encryption in security.txt",
    default: '(unset: /pgp-key.asc, the team key, when STOPLINE_SECURITY_EMAIL is set)',
  },
  preferredLanguages: {
    env: 'STOPLINE_PREFERRED_LANGUAGES',
    help: 'Languages the security team reads, comma-separated language tags (security.txt)',
    default: 'en',
  },
  attachmentMaxBytes: {
    env: 'STOPLINE_ATTACHMENT_MAX_BYTES',
    help: 'Largest accepted report attachment, in bytes; larger ones get 413',
    default: '5242880',
  },
  attachmentMaxCount: {
    env: 'STOPLINE_ATTACHMENT_MAX_COUNT',
    help: 'Most attachments accepted with one report or one reply',
    default: '5',
  },
  intakeRateLimit: {
    env: 'STOPLINE_INTAKE_RATE_LIMIT',
    help: 'Reports and portal replies accepted per client address per hour (form and API together; an IPv6 address counts as its /64)',
    default: '30',
  },
  smtpInPort: {
    env: 'STOPLINE_SMTP_IN_PORT',
    help: 'Port of the inbound SMTP listener for reports by e-mail to STOPLINE_SECURITY_EMAIL (0: any free port); unset: no listener',
    default: '(unset: no listener)',
  },
  smtpInHost: {
    env: 'STOPLINE_SMTP_IN_HOST',
    help: 'Address the inbound SMTP listener binds to',
    default: '127.0.0.1',
  },
  smtpInTlsCert: {
    env: 'STOPLINE_SMTP_IN_TLS_CERT',
    help: 'PEM certificate file (with its chain) for STARTTLS on the inbound SMTP listener; with STOPLINE_SMTP_IN_TLS_KEY',
    default: '(unset: no STARTTLS)',
  },
  smtpInTlsKey: {
    env: 'STOPLINE_SMTP_IN_TLS_KEY',
    help: 'PEM private key file of STOPLINE_SMTP_IN_TLS_CERT',
    default: '(unset)',
  },
  smtpInMaxBytes: {
    env: 'STOPLINE_SMTP_IN_MAX_BYTES',
    help: 'Largest inbound message, in bytes; larger ones are refused during the SMTP dialogue with 552',
    default: '26214400',
  },
  smtpInSenderLimit: {
    env: 'STOPLINE_SMTP_IN_SENDER_LIMIT',
    help: 'Messages one envelope sender may send to the inbound SMTP listener per hour (the null sender counts by client address); more get 451 4.7.1 until the next hour; 0: no limit',
    default: '30',
  },
  mailEncryption: {
    env: 'STOPLINE_MAIL_ENCRYPTION',
    help: 'OpenPGP with reporters by e-mail: if-possible (encrypt to a reporter whose key is kept), always (never e-mail a reporter a message in plaintext: without a key they are told to read it in the portal), refuse-plaintext (as always, and a report or reply that comes unencrypted is kept but refused, with an explanatory answer)',
    default: 'if-possible',
  },
  imapHost: {
    env: 'STOPLINE_IMAP_HOST',
    help: 'IMAP server of a mailbox to read reports from (with the user and password); unset: no IMAP polling',
    default: '(unset: no IMAP polling)',
  },
  imapPort: { env: 'STOPLINE_IMAP_PORT', help: 'IMAP server port', default: '993' },
  imapSecurity: {
    env: 'STOPLINE_IMAP_SECURITY',
    help: 'tls (TLS from the start, usually port 993), starttls (upgrade required) or none',
    default: 'tls',
  },
  imapAllowPlaintextAuth: {
    env: 'STOPLINE_IMAP_ALLOW_PLAINTEXT_AUTH',
    help: 'true: allow STOPLINE_IMAP_SECURITY=none, which sends the password unencrypted (refused otherwise)',
    default: 'false',
  },
  imapUser: { env: 'STOPLINE_IMAP_USER', help: 'IMAP user name', default: '(unset)' },
  imapPassword: {
    env: 'STOPLINE_IMAP_PASSWORD',
    help: 'IMAP password (never logged)',
    default: '(unset)',
  },
  imapMailbox: {
    env: 'STOPLINE_IMAP_MAILBOX',
    help: 'Mailbox (folder) reports arrive in',
    default: 'INBOX',
  },
  imapAfter: {
    env: 'STOPLINE_IMAP_AFTER',
    help: 'What is done to a message once stored: move (to STOPLINE_IMAP_MOVE_TO), flag (marked \\Seen) or keep (left as it is; UIDs say what was read)',
    default: 'move',
  },
  imapMoveTo: {
    env: 'STOPLINE_IMAP_MOVE_TO',
    help: 'Folder stored messages are moved to with STOPLINE_IMAP_AFTER=move (made if missing)',
    default: 'Stopline',
  },
  imapPollSeconds: {
    env: 'STOPLINE_IMAP_POLL_SECONDS',
    help: 'How often the mailbox is looked at besides IDLE (new mail is read as it arrives); the lease on the mailbox runs three times this long',
    default: '60',
  },
  smtpHost: {
    env: 'STOPLINE_SMTP_HOST',
    help: 'SMTP server for outgoing e-mail; unset: e-mail notices wait in the outbox',
    default: '(unset)',
  },
  smtpPort: { env: 'STOPLINE_SMTP_PORT', help: 'SMTP server port', default: '587' },
  smtpSecurity: {
    env: 'STOPLINE_SMTP_SECURITY',
    help: 'starttls (upgrade required), tls (TLS from the start, usually port 465) or none',
    default: 'starttls',
  },
  smtpUser: { env: 'STOPLINE_SMTP_USER', help: 'SMTP user name', default: '(unset: no auth)' },
  smtpAllowPlaintextAuth: {
    env: 'STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH',
    help: 'true: allow a user and password with STOPLINE_SMTP_SECURITY=none, which sends them unencrypted (refused otherwise)',
    default: 'false',
  },
  smtpPassword: {
    env: 'STOPLINE_SMTP_PASSWORD',
    help: 'SMTP password (never logged)',
    default: '(unset)',
  },
  mailFrom: {
    env: 'STOPLINE_MAIL_FROM',
    help: 'From address of e-mail notices, e.g. "Stopline <security@example.org>"',
    default: '(unset; required with STOPLINE_SMTP_HOST)',
  },
  twilioAccountSid: {
    env: 'STOPLINE_TWILIO_ACCOUNT_SID',
    help: 'Account SID (AC…) of the Twilio-compatible account that sends texts and calls (the sms and voice channels)',
    default: '(unset: texts and calls wait in the outbox)',
  },
  twilioAuthToken: {
    env: 'STOPLINE_TWILIO_AUTH_TOKEN',
    help: 'Its auth token, sent as HTTP Basic authentication (never logged)',
    default: '(unset; required with STOPLINE_TWILIO_ACCOUNT_SID)',
  },
  twilioFrom: {
    env: 'STOPLINE_TWILIO_FROM',
    help: 'The number texts and calls come from, in international form (+14155550100)',
    default: '(unset; required with STOPLINE_TWILIO_ACCOUNT_SID)',
  },
  twilioApiUrl: {
    env: 'STOPLINE_TWILIO_API_URL',
    help: 'Base URL of the Twilio-compatible API (/2010-04-01/Accounts/… is appended)',
    default: 'https://api.twilio.com',
  },
  outboundAllow: {
    env: 'STOPLINE_OUTBOUND_ALLOW',
    help: 'Non-public address ranges webhooks and chat endpoints may reach, e.g. "10.20.0.0/16,fd00::/8" (CIDR or single addresses); unset: public addresses only',
    default: '(unset: public addresses only)',
  },
  anchorWebhookUrl: {
    env: 'STOPLINE_ANCHOR_WEBHOOK_URL',
    help: "`stopline anchor` also POSTs each anchor here, signed as a Standard Webhook with STOPLINE_ANCHOR_WEBHOOK_SECRET, e.g. a receiver outside the database administrators' reach",
    default: '(unset: anchors go to a file or stdout only)',
  },
  anchorWebhookSecret: {
    env: 'STOPLINE_ANCHOR_WEBHOOK_SECRET',
    help: 'Standard Webhooks signing secret ("whsec_" and base64 of 24-64 random bytes) for STOPLINE_ANCHOR_WEBHOOK_URL (never logged)',
    default: '(unset; required with STOPLINE_ANCHOR_WEBHOOK_URL)',
  },
  outboxPollSeconds: {
    env: 'STOPLINE_OUTBOX_POLL_SECONDS',
    help: 'Longest pause of the outbox worker between two looks for due messages; a commit that enqueues a notice wakes it at once (on PostgreSQL on every instance), so this is only the fallback',
    default: '10',
  },
  readyMaxLagSeconds: {
    env: 'STOPLINE_READY_MAX_LAG_SECONDS',
    help: '/readyz answers 503 once the scheduler or the outbox is this far behind (the oldest due deadline, page level or message not yet handled)',
    default: '300',
  },
  deliveryMaxAttempts: {
    env: 'STOPLINE_DELIVERY_MAX_ATTEMPTS',
    help: 'Attempts at delivering one notice before it becomes a dead letter',
    default: '10',
  },
  deliveryRetrySeconds: {
    env: 'STOPLINE_DELIVERY_RETRY_SECONDS',
    help: 'Wait after the first failed attempt; doubles after each further failure',
    default: '30',
  },
  deliveryRetryMaxSeconds: {
    env: 'STOPLINE_DELIVERY_RETRY_MAX_SECONDS',
    help: 'Longest wait between two attempts',
    default: '3600',
  },
  streamHeartbeatSeconds: {
    env: 'STOPLINE_STREAM_HEARTBEAT_SECONDS',
    help: 'Seconds between keep-alive comments on the live stream (GET /api/v1/stream); its credentials are re-checked as often',
    default: '15',
  },
  streamMaxPerCaller: {
    env: 'STOPLINE_STREAM_MAX_PER_CALLER',
    help: 'Live streams (GET /api/v1/stream) one session or one API token may hold open at once on each instance; one more is answered 429',
    default: '10',
  },
  requestTimeoutSeconds: {
    env: 'STOPLINE_REQUEST_TIMEOUT_SECONDS',
    help: 'A request whose headers and body have not fully arrived after this many seconds is answered 408 and its connection closed',
    default: '60',
  },
  headersTimeoutSeconds: {
    env: 'STOPLINE_HEADERS_TIMEOUT_SECONDS',
    help: 'The same for the request headers alone (at most STOPLINE_REQUEST_TIMEOUT_SECONDS)',
    default: '20',
  },
  shutdownGraceSeconds: {
    env: 'STOPLINE_SHUTDOWN_GRACE_SECONDS',
    help: 'On SIGTERM/SIGINT, idle connections close at once; requests still running after this many seconds have their connections closed',
    default: '10',
  },
  configFile: {
    env: 'STOPLINE_CONFIG',
    help: 'Optional YAML or JSON file with any of these keys (camelCase); environment variables win',
    default: '(none)',
  },
} as const;

const bool = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'])], {
  error: 'must be true or false',
});

const flag = bool.default(false).transform((v) => v === true || v === 'true' || v === '1');

const positiveInt = z.coerce
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(1, 'must be at least 1');

export const ConfigSchema = z
  .object({
    port: port.default(8080),
    host: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    dataDir: z.string().min(1, 'must not be empty').default('./data'),
    databaseUrl: url(['postgres:', 'postgresql:']).optional(),
    fileStore: z.enum(['database', 'fs', 's3'], { error: 'must be database, s3 or fs' }).optional(),
    s3Bucket: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
        'must be a bucket name: 3 to 63 lower-case letters, digits, dots and hyphens',
      )
      .optional(),
    s3Endpoint: url(['http:', 'https:']).optional(),
    s3Region: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'must be a region name such as us-east-1')
      .default('us-east-1'),
    s3AccessKeyId: z.string().min(1, 'must not be empty').optional(),
    s3SecretAccessKey: z.string().min(1, 'must not be empty').optional(),
    baseUrl: url(['http:', 'https:']).optional(),
    logLevel: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
      .default('info'),
    bodyLimit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1024, 'must be at least 1024 bytes')
      .default(1024 * 1024),
    pgSchema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier (letters, digits, _)')
      .default('public'),
    pgPoolSize: positiveInt.default(10),
    trustProxy: flag,
    policyFile: z.string().min(1, 'must not be empty').optional(),
    securityEmail: z.email({ error: 'must be an e-mail address' }).optional(),
    securityPgpKeyUrl: url(['https:', 'http:']).optional(),
    statusHost: z
      .string()
      .regex(
        /^(?=.{1,253}$)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/,
        'must be a lower-case host name without port or scheme, e.g. status.example.com',
      )
      .optional(),
    statusLanguage: z.enum(STATUS_LANGUAGES, { error: 'must be en or de' }).default('en'),
    statusPageName: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100)
      .default('Service status'),
    advisoryPublisher: z.string().trim().min(1, 'must not be empty').max(200).optional(),
    cveOrgId: z
      .string()
      .regex(
        /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-4[0-9A-Fa-f]{3}-[89ABab][0-9A-Fa-f]{3}-[0-9A-Fa-f]{12}$/,
        'must be a UUID (version 4), as the CVE program gives an organisation',
      )
      .optional(),
    preferredLanguages: z
      .string()
      .regex(
        /^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*(\s*,\s*[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*)*$/,
        'must be comma-separated language tags, e.g. "en, de"',
      )
      .default('en'),
    attachmentMaxBytes: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1024, 'must be at least 1024 bytes')
      .max(100 * 1024 * 1024, 'must be at most 100 MiB')
      .default(5 * 1024 * 1024),
    attachmentMaxCount: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(50, 'must be at most 50')
      .default(5),
    intakeRateLimit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(30),

    smtpInPort: port.optional(),
    smtpInHost: z.string().min(1, 'must not be empty').default('127.0.0.1'),
    smtpInTlsCert: z.string().min(1, 'must not be empty').optional(),
    smtpInTlsKey: z.string().min(1, 'must not be empty').optional(),
    smtpInMaxBytes: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1024, 'must be at least 1024 bytes')
      .max(200 * 1024 * 1024, 'must be at most 200 MiB')
      .default(25 * 1024 * 1024),
    smtpInSenderLimit: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .default(30),
    mailEncryption: z
      .enum(['if-possible', 'always', 'refuse-plaintext'], {
        error: 'must be if-possible, always or refuse-plaintext',
      })
      .default('if-possible'),
    imapHost: z.string().min(1, 'must not be empty').optional(),
    imapPort: port.default(993),
    imapSecurity: z
      .enum(['tls', 'starttls', 'none'], { error: 'must be tls, starttls or none' })
      .default('tls'),
    imapAllowPlaintextAuth: flag,
    imapUser: z.string().min(1, 'must not be empty').optional(),
    imapPassword: z.string().min(1, 'must not be empty').optional(),
    imapMailbox: z.string().min(1, 'must not be empty').default('INBOX'),
    imapAfter: z
      .enum(['move', 'flag', 'keep'], { error: 'must be move, flag or keep' })
      .default('move'),
    imapMoveTo: z.string().min(1, 'must not be empty').default('Stopline'),
    imapPollSeconds: positiveInt.max(3600, 'must be at most 3600').default(60),
    smtpHost: z.string().min(1, 'must not be empty').optional(),
    smtpPort: port.default(587),
    smtpSecurity: z
      .enum(['starttls', 'tls', 'none'], { error: 'must be starttls, tls or none' })
      .default('starttls'),
    smtpUser: z.string().min(1, 'must not be empty').optional(),
    smtpPassword: z.string().min(1, 'must not be empty').optional(),
    mailFrom: z
      .string()
      .regex(/^(?:[^<>]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, 'must be an e-mail address')
      .optional(),
    smtpAllowPlaintextAuth: flag,
    twilioAccountSid: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be an account SID such as AC0123456789abcdef')
      .optional(),
    twilioAuthToken: z.string().min(1, 'must not be empty').optional(),
    twilioFrom: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'must be a phone number in international form (+14155550100)')
      .optional(),
    twilioApiUrl: url(['https:', 'http:']).default('https://api.twilio.com'),
    outboundAllow: z
      .union([z.string(), z.array(z.string())], { error: 'must be a list of CIDR ranges' })
      .default([])
      .transform((value) =>
        (typeof value === 'string' ? value.split(/[\s,]+/) : value).filter((e) => e !== ''),
      )
      .refine((entries) => entries.every(isAllowListEntry), {
        error: 'must be CIDR ranges or addresses separated by commas, e.g. "10.20.0.0/16,fd00::/8"',
      }),
    anchorWebhookUrl: url(['https:', 'http:']).optional(),
    anchorWebhookSecret: z
      .string()
      .regex(WEBHOOK_SECRET, 'must be "whsec_" and base64 of 24 to 64 random bytes')
      .optional(),
    outboxPollSeconds: positiveInt.max(3600, 'must be at most 3600').default(10),
    readyMaxLagSeconds: positiveInt.default(300),
    deliveryMaxAttempts: positiveInt.max(100, 'must be at most 100').default(10),
    deliveryRetrySeconds: positiveInt.default(30),
    deliveryRetryMaxSeconds: positiveInt.default(3600),
    streamHeartbeatSeconds: positiveInt.max(300, 'must be at most 300').default(15),
    streamMaxPerCaller: positiveInt.max(1000, 'must be at most 1000').default(10),
    requestTimeoutSeconds: positiveInt.max(3600, 'must be at most 3600').default(60),
    headersTimeoutSeconds: positiveInt.max(3600, 'must be at most 3600').default(20),
    shutdownGraceSeconds: z.coerce
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(0, 'must be 0 or more')
      .max(3600, 'must be at most 3600')
      .default(10),

    sessionIdleMinutes: positiveInt.default(120),
    sessionMaxHours: positiveInt.default(24),
    requireAdminMfa: flag,
    signInMaxFailures: positiveInt.default(5),
    linkValidHours: positiveInt.default(24),
    roleNames: z
      .string()
      .regex(
        /^\s*[a-z_]+\s*=[^=,]+(,\s*[a-z_]+\s*=[^=,]+)*$/,
        'must look like "responder=Developer,viewer=Executive"',
      )
      .optional(),
    oidcIssuer: url(['https:', 'http:']).optional(),
    oidcClientId: z.string().min(1).optional(),
    oidcClientSecret: z.string().min(1).optional(),
    secretKey: z.string().min(32, 'must be at least 32 characters').optional(),
    oidcRolesClaim: z.string().min(1, 'must not be empty').default('groups'),
    oidcRoleMap: z
      .string()
      .regex(
        /^\s*[^=,]+=[a-z_]+\s*(,\s*[^=,]+=[a-z_]+\s*)*$/,
        'must look like "claim-value=role,other-value=role"',
      )
      .optional(),
  })
  .superRefine((config, ctx) => {
    if (config.smtpInPort !== undefined && !config.securityEmail)
      ctx.addIssue({
        code: 'custom',
        path: ['securityEmail'],
        message:
          'must be set when STOPLINE_SMTP_IN_PORT is set (it is the address reports are sent to)',
      });
    if (config.imapHost && !config.securityEmail)
      ctx.addIssue({
        code: 'custom',
        path: ['securityEmail'],
        message:
          'must be set when STOPLINE_IMAP_HOST is set (it is the address reports are sent to)',
      });
    if (config.fileStore === 's3')
      for (const key of ['s3Bucket', 's3AccessKeyId', 's3SecretAccessKey'] as const)
        if (!config[key])
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'must be set when STOPLINE_FILE_STORE is s3',
          });
    if (config.imapHost && (!config.imapUser || !config.imapPassword))
      ctx.addIssue({
        code: 'custom',
        path: [config.imapUser ? 'imapPassword' : 'imapUser'],
        message: 'must be set when STOPLINE_IMAP_HOST is set',
      });
    if (config.imapHost && config.imapSecurity === 'none' && !config.imapAllowPlaintextAuth)
      ctx.addIssue({
        code: 'custom',
        path: ['imapSecurity'],
        message:
          'none would send STOPLINE_IMAP_PASSWORD unencrypted; use tls or starttls, or set STOPLINE_IMAP_ALLOW_PLAINTEXT_AUTH=true to accept that',
      });
    if (Boolean(config.smtpInTlsCert) !== Boolean(config.smtpInTlsKey))
      ctx.addIssue({
        code: 'custom',
        path: [config.smtpInTlsCert ? 'smtpInTlsKey' : 'smtpInTlsCert'],
        message: 'STOPLINE_SMTP_IN_TLS_CERT and STOPLINE_SMTP_IN_TLS_KEY go together',
      });
    if (config.smtpHost && !config.mailFrom)
      ctx.addIssue({
        code: 'custom',
        path: ['mailFrom'],
        message: 'must be set when STOPLINE_SMTP_HOST is set',
      });
    if (config.smtpUser && !config.smtpPassword)
      ctx.addIssue({
        code: 'custom',
        path: ['smtpPassword'],
        message: 'must be set when STOPLINE_SMTP_USER is set',
      });
    if (config.smtpSecurity === 'none' && config.smtpUser && !config.smtpAllowPlaintextAuth)
      ctx.addIssue({
        code: 'custom',
        path: ['smtpSecurity'],
        message:
          'none would send STOPLINE_SMTP_USER and STOPLINE_SMTP_PASSWORD unencrypted; use starttls or tls, or set STOPLINE_SMTP_ALLOW_PLAINTEXT_AUTH=true to accept that',
      });
    if (config.twilioAccountSid && (!config.twilioAuthToken || !config.twilioFrom))
      ctx.addIssue({
        code: 'custom',
        path: [config.twilioAuthToken ? 'twilioFrom' : 'twilioAuthToken'],
        message: 'must be set when STOPLINE_TWILIO_ACCOUNT_SID is set',
      });
    if (config.headersTimeoutSeconds > config.requestTimeoutSeconds)
      ctx.addIssue({
        code: 'custom',
        path: ['headersTimeoutSeconds'],
        message: `must be at most STOPLINE_REQUEST_TIMEOUT_SECONDS (${config.requestTimeoutSeconds})`,
      });
    if (config.anchorWebhookUrl && !config.anchorWebhookSecret)
      ctx.addIssue({
        code: 'custom',
        path: ['anchorWebhookSecret'],
        message: 'must be set when STOPLINE_ANCHOR_WEBHOOK_URL is set (anchors are posted signed)',
      });
    if (config.oidcIssuer && (!config.oidcClientId || !config.oidcClientSecret))
      ctx.addIssue({
        code: 'custom',
        path: [config.oidcClientId ? 'oidcClientSecret' : 'oidcClientId'],
        message: 'must be set when STOPLINE_OIDC_ISSUER is set',
      });
  });

export type ConfigInput = z.input<typeof ConfigSchema>;

export interface Config extends Omit<
  z.output<typeof ConfigSchema>,
  'baseUrl' | 'policyFile' | 'fileStore'
> {
  /** Where stored files are kept; defaults to database on PostgreSQL, fs on SQLite. */
  fileStore: 'database' | 'fs' | 's3';
  /** Absolute path of the policy file in force. */
  policyFile: string;
  /** Always set: defaults to http://localhost:PORT. */
  baseUrl: string;
  /** Where baseUrl came from, for operators reading a printed link. */
  baseUrlSource: string;
  /** Absolute path of the SQLite file (unused on PostgreSQL). */
  sqlitePath: string;
  database: 'sqlite' | 'postgres';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

type Env = Record<string, string | undefined>;

/** Keys whose values an error message never repeats. */
const SECRET_KEYS = new Set([
  'smtpPassword',
  'imapPassword',
  'twilioAuthToken',
  's3SecretAccessKey',
  'oidcClientSecret',
  'anchorWebhookSecret',
  'secretKey',
  // It may hold the database password.
  'databaseUrl',
]);

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(`STOPLINE_CONFIG: cannot read ${path} (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `STOPLINE_CONFIG: ${path} is not valid YAML/JSON (${(error as Error).message})`,
    );
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(`STOPLINE_CONFIG: ${path} must hold a mapping of keys to values`);
  }
  const known = new Set(Object.keys(CONFIG_KEYS));
  for (const key of Object.keys(parsed)) {
    if (!known.has(key) || key === 'configFile') {
      throw new ConfigError(`STOPLINE_CONFIG: ${path} has an unknown key "${key}"`);
    }
  }
  return parsed as Record<string, unknown>;
}

/** Reads the configuration; throws ConfigError with one line naming the key and the problem. */
export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const fromFile = env.STOPLINE_CONFIG ? readConfigFile(resolve(cwd, env.STOPLINE_CONFIG)) : {};
  const raw: Record<string, unknown> = { ...fromFile };
  for (const [key, { env: name }] of Object.entries(CONFIG_KEYS)) {
    if (key === 'configFile') continue;
    const value = env[name];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const result = ConfigSchema.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    const name = key in CONFIG_KEYS ? CONFIG_KEYS[key as keyof typeof CONFIG_KEYS].env : key;
    const secret = SECRET_KEYS.has(key);
    const shown = raw[key] === undefined || secret ? '' : ` (got ${JSON.stringify(raw[key])})`;
    throw new ConfigError(`${name}: ${issue.message}${shown}`);
  }
  const parsed = result.data;
  const dataDir = isAbsolute(parsed.dataDir) ? parsed.dataDir : resolve(cwd, parsed.dataDir);
  return {
    ...parsed,
    dataDir,
    baseUrl: (parsed.baseUrl ?? `http://localhost:${parsed.port}`).replace(/\/+$/, ''),
    baseUrlSource: env.STOPLINE_BASE_URL
      ? 'STOPLINE_BASE_URL'
      : fromFile.baseUrl !== undefined
        ? `baseUrl in ${env.STOPLINE_CONFIG} (STOPLINE_CONFIG)`
        : `the default (STOPLINE_BASE_URL is not set: http://localhost and PORT ${parsed.port}); ` +
          'set STOPLINE_BASE_URL if people reach Stopline at another address',
    sqlitePath: join(dataDir, 'stopline.db'),
    policyFile: parsed.policyFile ? resolve(cwd, parsed.policyFile) : BUNDLED_POLICY,
    database: parsed.databaseUrl ? 'postgres' : 'sqlite',
    fileStore: parsed.fileStore ?? (parsed.databaseUrl ? 'database' : 'fs'),
  };
}

/**
 * The environment a child process (the PostgreSQL client tools) starts with: this process's own,
 * so PATH and libpq's own settings (PGSSLROOTCERT, PGSERVICEFILE…) reach it, plus `extra`.
 */
export function childEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
