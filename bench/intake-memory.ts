// Benchmark: the memory a real `stopline serve` (SQLite) needs while strangers post huge
// multipart forms to /report. Four concurrent posts of about 105 MB each (39 text fields of
// 2 MB and 5 files of 5 MB: the shape of issue 20, finding 4), sent once with Content-Length and
// once chunked (no length), beside the references measured in the same run: the idle server, and
// four concurrent small valid reports; and four of the largest report the default limits accept
// (five files of 5 MB), which is recorded. The server's resident memory (VmRSS in /proc/PID/status)
// is sampled every 10 ms; the peak of each phase is printed with its ratio to the idle server.
// Local only: the server listens on 127.0.0.1 and its data folder is removed at the end.
// Run: npm run bench:intake-memory [-- --posts 4 --rounds 3]
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer } from '../test/helpers/cli-process.ts';

const { values: args } = parseArgs({
  options: {
    posts: { type: 'string', default: '4' },
    rounds: { type: 'string', default: '3' },
  },
});
const POSTS = Number(args.posts);
const ROUNDS = Number(args.rounds);
const MB = 1_000_000;

/** The resident memory of a process, in bytes. */
function rss(pid: number): number {
  const line = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? 0) * 1024;
}

/** Runs `work` while sampling the process's RSS every 10 ms; answers the peak. */
async function peakDuring(pid: number, work: () => Promise<unknown>): Promise<number> {
  let peak = rss(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rss(pid))), 10);
  try {
    await work();
    // Let the server finish with what it read before the last sample.
    await new Promise((r) => setTimeout(r, 300));
    peak = Math.max(peak, rss(pid));
  } finally {
    clearInterval(timer);
  }
  return peak;
}

/** A multipart body as pieces: text fields first, then files. */
function multipartBody(
  boundary: string,
  fields: [string, Buffer][],
  files: [string, Buffer][],
): Buffer[] {
  const pieces: Buffer[] = [];
  for (const [name, value] of fields) {
    pieces.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`),
      value,
      Buffer.from('\r\n'),
    );
  }
  for (const [name, bytes] of files) {
    pieces.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="attachments"; filename="${name}"\r\n` +
          'Content-Type: application/octet-stream\r\n\r\n',
      ),
      bytes,
      Buffer.from('\r\n'),
    );
  }
  pieces.push(Buffer.from(`--${boundary}--\r\n`));
  return pieces;
}

interface Answer {
  status: number;
  /** Body bytes written before the answer arrived. */
  sent: number;
}

/**
 * Posts the pieces to /report in 1 MB writes, with Content-Length or chunked, and stops sending
 * as soon as the server answers (as a client that reads the answer would).
 */
function post(port: number, boundary: string, pieces: Buffer[], chunked: boolean): Promise<Answer> {
  const length = pieces.reduce((n, p) => n + p.length, 0);
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/report',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(length) }),
      },
    });
    req.on('response', (res) => {
      answered = true;
      res.resume();
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    const stopped = new Promise((r) => {
      req.once('response', r);
      req.once('close', r);
    });
    (async () => {
      for (const piece of pieces) {
        for (let at = 0; at < piece.length && !answered; at += MB) {
          const slice = piece.subarray(at, at + MB);
          sent += slice.length;
          if (!req.write(slice)) await Promise.race([once(req, 'drain'), stopped]);
        }
        if (answered || req.destroyed) return;
      }
      req.end();
    })().catch(reject);
  });
}

const huge = (() => {
  // One set of bytes shared by every post (the client's memory is not what is measured).
  const field = Buffer.alloc(2 * MB, 'x');
  const file = randomBytes(5 * MB);
  const fields: [string, Buffer][] = Array.from({ length: 39 }, (_, i) => [`field${i}`, field]);
  const files: [string, Buffer][] = Array.from({ length: 5 }, (_, i) => [
    `evidence-${i}.bin`,
    file,
  ]);
  return { fields, files };
})();

const small: [string, Buffer][] = [
  ['summary', Buffer.from('Stored XSS in the profile page')],
  ['description', Buffer.from('The display name is rendered without escaping.\n'.repeat(20))],
  ['contactEmail', Buffer.from('ada@example.org')],
];

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'stopline-bench-intake-memory-'));
  const server = await startServer({
    STOPLINE_DATA_DIR: dir,
    STOPLINE_LOG_LEVEL: 'warn',
    // The limit is not what is measured here; every post must reach the server's parser.
    STOPLINE_INTAKE_RATE_LIMIT: '100000000',
  });
  const pid = server.child.pid!;
  const rows: string[][] = [];
  try {
    const boundary = 'bench' + randomBytes(8).toString('hex');
    const hugePieces = multipartBody(boundary, huge.fields, huge.files);
    const hugeLength = hugePieces.reduce((n, p) => n + p.length, 0);
    const smallPieces = multipartBody(boundary, small, [['evidence.bin', randomBytes(100_000)]]);
    // The largest report the defaults accept: five files of 5 MB, recorded (200).
    const fullPieces = multipartBody(boundary, small, huge.files);
    const fullLength = fullPieces.reduce((n, p) => n + p.length, 0);
    const concurrent = (pieces: Buffer[], chunked: boolean) =>
      Promise.all(
        Array.from({ length: POSTS }, () => post(server.port, boundary, pieces, chunked)),
      );

    // Warm up: a few small reports, so start-up compilation is not counted as the reference.
    for (let i = 0; i < 3; i++) await concurrent(smallPieces, false);
    await new Promise((r) => setTimeout(r, 1000));
    const idle = rss(pid);

    const phases: [string, Buffer[], boolean][] = [
      [`${POSTS} small valid reports`, smallPieces, false],
      [`${POSTS} × ${mib(fullLength)} MiB valid, 5 files`, fullPieces, false],
      [`${POSTS} × ${mib(hugeLength)} MiB, Content-Length`, hugePieces, false],
      [`${POSTS} × ${mib(hugeLength)} MiB, chunked`, hugePieces, true],
    ];
    for (const [name, pieces, chunked] of phases) {
      for (let round = 1; round <= ROUNDS; round++) {
        let answers: Answer[] = [];
        const peak = await peakDuring(pid, async () => {
          answers = await concurrent(pieces, chunked);
        });
        const statuses = [...new Set(answers.map((a) => a.status))].join(',');
        const sent = Math.max(...answers.map((a) => a.sent));
        rows.push([
          name,
          String(round),
          statuses,
          mib(sent),
          mib(peak),
          (peak / idle).toFixed(2),
          mib(rss(pid)),
        ]);
      }
    }

    console.log(
      `Node.js ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), ` +
        `${mib(totalmem())} MiB RAM; server pid ${pid}\n`,
    );
    console.log(`idle server RSS (reference): ${mib(idle)} MiB\n`);
    const header = ['phase', 'round', 'status', 'sent MiB', 'peak RSS MiB', 'peak/idle', 'after'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]) =>
      cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(line(header));
    for (const row of rows) console.log(line(row));
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
