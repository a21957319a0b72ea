// Benchmark: messages ingested per second through Stopline's inbound SMTP listener (stored raw
// and flushed, SPF/DKIM/DMARC checked, parsed, filed as a report with its clock and receipt, on
// SQLite), beside a bare smtp-server on the same machine in the same run that only writes each
// message's raw bytes to a file (flushed to disk) and answers 250: the ratio is Stopline over the
// bare server. A real SMTP client (nodemailer, a pool of connections) sends the same DKIM-signed
// messages to both, the two interleaved round by round so a drifting disk or a neighbour's load
// falls on both alike. DNS is answered in process (the sender's SPF, DKIM key and DMARC), nothing
// reaches outside, the receipts wait in the outbox (no mail server is configured), and every
// file it makes is removed.
// Run: npm run bench:mail [-- --messages 600 --connections 8 --rounds 3]
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { loadConfig } from '../src/server/config.ts';
import { createContainer } from '../src/server/container.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '600' },
    connections: { type: 'string', default: '8' },
    rounds: { type: 'string', default: '3' },
  },
});
const MESSAGES = Number(args.messages);
const CONNECTIONS = Number(args.connections);
const ROUNDS = Number(args.rounds);
const SECURITY = 'security@stopline.bench';
const SENDER = 'finder@reporter.bench';

// The sender's domain as DNS would publish it: SPF for this machine, a DKIM key, DMARC reject.
const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const txt = new Map<string, string[][]>([
  ['reporter.bench', [['v=spf1 ip4:127.0.0.1 -all']]],
  ['_dmarc.reporter.bench', [['v=DMARC1; p=reject']]],
  [
    's1._domainkey.reporter.bench',
    [[`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]],
  ],
]);
const resolver = async (domain: string, rrtype: string) => {
  const found = rrtype === 'TXT' ? txt.get(domain.toLowerCase()) : undefined;
  if (found) return found;
  throw Object.assign(new Error(`no ${rrtype} for ${domain}`), { code: 'ENOTFOUND' });
};

/** The messages, built and signed before anything is timed: a typical plaintext report. */
async function buildMessages(count: number): Promise<Buffer[]> {
  const builder = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    dkim: {
      domainName: 'reporter.bench',
      keySelector: 's1',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    },
  });
  const body = [
    'Hello security team,',
    '',
    'the profile page renders the display name without escaping it. Steps:',
    '1. Set your display name to <img src=x onerror=alert(document.domain)>.',
    '2. Open the team page as another user: the script runs in their session.',
    '',
    'Impact: session riding for any user who views the team page.',
    'I have not shared this with anyone. Please credit me as "Finder".',
    '',
    ...Array.from({ length: 30 }, (_, i) => `log line ${i}: GET /team?page=${i} 200 0.0${i}s`),
  ].join('\n');
  const messages: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const info = await builder.sendMail({
      from: `Finder <${SENDER}>`,
      to: SECURITY,
      subject: `Stored XSS in the profile name (${i})`,
      text: body,
      messageId: `<bench-${i}-${process.pid}@reporter.bench>`,
      attachments: [{ filename: 'request.txt', content: `GET /team HTTP/1.1\r\n#${i}\r\n` }],
    });
    messages.push(info.message as Buffer);
  }
  return messages;
}

/** Sends the messages over a pool of SMTP connections; answers the seconds it took. */
async function push(port: number, messages: Buffer[]): Promise<number> {
  const client = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    pool: true,
    maxConnections: CONNECTIONS,
    maxMessages: Infinity,
  });
  const started = performance.now();
  try {
    await Promise.all(
      messages.map((raw) =>
        client.sendMail({ envelope: { from: SENDER, to: [SECURITY] }, raw }).then((info) => {
          if (!info.response.startsWith('250')) throw new Error(`answered ${info.response}`);
        }),
      ),
    );
  } finally {
    client.close();
  }
  return (performance.now() - started) / 1000;
}

/** The reference: smtp-server that writes each message's bytes to a file, flushed, then 250. */
async function startBareServer(dir: string): Promise<{ port: number; close(): Promise<void> }> {
  let n = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    logger: false,
    size: 26_214_400,
    maxClients: 50,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const file = join(dir, `${n++}.eml`);
        void (async () => {
          const handle = await open(file, 'wx', 0o600);
          try {
            await handle.writeFile(Buffer.concat(chunks));
            await handle.sync();
          } finally {
            await handle.close();
          }
        })().then(
          () => callback(null, '2.0.0 Stored'),
          (error: Error) => callback(error),
        );
      });
    },
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port)),
  );
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const dir = mkdtempSync(join(tmpdir(), 'stopline-bench-mail-'));
try {
  const messages = await buildMessages(MESSAGES);
  const bareDir = mkdtempSync(join(dir, 'bare-'));
  const bare = await startBareServer(bareDir);
  const config = loadConfig({
    STOPLINE_DATA_DIR: join(dir, 'stopline'),
    STOPLINE_LOG_LEVEL: 'silent',
    STOPLINE_SECURITY_EMAIL: SECURITY,
    STOPLINE_SMTP_IN_PORT: '0',
    // Every message comes from one sender: the per-sender hourly limit would stop it at 30.
    STOPLINE_SMTP_IN_SENDER_LIMIT: '0',
  });
  const container = await createContainer(config, { dnsResolver: resolver, mailer: null });
  await container.workers.listen();
  const stoplinePort = container.workers.smtpIn!.port!;

  // Untimed warm-up: the first messages pay for the JIT, the team key and the first statements.
  const warm = await buildMessages(10);
  await push(bare.port, warm);
  await push(
    stoplinePort,
    warm.map((m) => Buffer.from(m.toString().replaceAll('bench-', 'warm-'))),
  );

  const perRound = Math.ceil(MESSAGES / ROUNDS);
  const time = { bare: 0, stopline: 0 };
  const loads: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const slice = messages.slice(r * perRound, (r + 1) * perRound);
    if (slice.length === 0) break;
    loads.push(loadavg()[0]!);
    time.bare += await push(bare.port, slice);
    time.stopline += await push(stoplinePort, slice);
  }
  loads.push(loadavg()[0]!);

  const filed = await container.db
    .selectFrom('inbound_mail')
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .where('status', '=', 'report')
    .where('message_id', 'like', 'bench-%')
    .executeTakeFirstOrThrow();
  const reports = await container.db
    .selectFrom('reports')
    .select(({ fn }) => fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  await container.workers.close();
  await container.close();
  await bare.close();

  const bareRate = MESSAGES / time.bare;
  const stoplineRate = MESSAGES / time.stopline;
  const size = Math.round(messages.reduce((s, m) => s + m.length, 0) / messages.length);
  console.log(
    `machine: ${cpus().length} × ${cpus()[0]?.model}, load average ${loads.map((l) => l.toFixed(1)).join(' → ')}`,
  );
  console.log(
    `${MESSAGES} messages of ${size} bytes (DKIM-signed, one attachment), ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds`,
  );
  console.log(`bare smtp-server writing the raw bytes to disk: ${bareRate.toFixed(1)} messages/s`);
  console.log(
    `Stopline's listener (stored, authenticated, parsed, filed as a report): ${stoplineRate.toFixed(1)} messages/s`,
  );
  console.log(`ratio Stopline / bare: ${(stoplineRate / bareRate).toFixed(3)}`);
  console.log(
    `messages filed as reports: ${Number(filed.n)} of ${MESSAGES} (reports: ${Number(reports.n)})`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
