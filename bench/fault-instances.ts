// Fault suite: three `stopline serve` instances on one PostgreSQL schema share 1,000 short
// deadlines, and one of them is killed (SIGKILL) while they fire. The deadlines are reports'
// acknowledgment clocks, made `--clock` seconds long by a copy of the bundled policy (no reminders,
// so each clock fires once within the run: its breach). Each firing is a `deadline.breached`
// webhook to a local Standard Webhooks receiver that checks every signature with the
// `standardwebhooks` package. Invariant: every receipted report's deadline fires exactly once:
// one webhook-id per deadline (a second id for the same deadline would be a second firing), none
// missing. The same id arriving twice is a redelivery (the killed instance posted it but did not
// record the answer; another instance sends it again once the message's 5-minute claim lapses),
// which Standard Webhooks receivers drop by id: counted, not a failure. Local only.
// Run: npm run bench:fault-instances [-- --deadlines 1000 --clock 40 --kill-at 0.3]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startServer, type RunningServer } from '../test/helpers/cli-process.ts';
import {
  apiToken,
  createBenchDatabase,
  createEndpoint,
  machine,
  newWebhookSecret,
  postReports,
  quantile,
  shortClockPolicy,
  sleep,
  startSignedReceiver,
  verdict,
  verify,
} from './fault-support.ts';

const { values: args } = parseArgs({
  options: {
    deadlines: { type: 'string', default: '1000' },
    instances: { type: 'string', default: '3' },
    /** Seconds from a report's receipt to its acknowledgment deadline. */
    clock: { type: 'string', default: '40' },
    /** The kill comes once this share of the deadlines has arrived at the receiver. */
    'kill-at': { type: 'string', default: '0.3' },
    /** Longest wait for every deadline after the kill, in seconds. */
    'wait-max': { type: 'string', default: '600' },
    /** Listen at least this long after the kill (past the outbox's 5-minute claim, so a
     * redelivery of what the killed instance had sent is seen and counted). */
    'listen-after-kill': { type: 'string', default: '330' },
  },
});
const COUNT = Number(args.deadlines);
const INSTANCES = Number(args.instances);
const CLOCK = Number(args.clock);
const KILL_AT = Number(args['kill-at']);
const WAIT_MAX_MS = Number(args['wait-max']) * 1000;
const LISTEN_AFTER_KILL_MS = Number(args['listen-after-kill']) * 1000;

interface Breach {
  webhookId: string;
  deadlineId: string;
  key: string;
  type: string;
  dueAt: number;
  firedAt: number;
  arrivedAt: number;
}

console.log(
  `fault-instances: ${INSTANCES} instances on one PostgreSQL schema, ${COUNT} deadlines of ` +
    `${CLOCK} s, one instance killed at ${KILL_AT * 100}% arrived; ${machine()}`,
);
const failures: string[] = [];
const database = await createBenchDatabase('postgres', 'instances', {
  STOPLINE_SECRET_KEY: Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('hex'),
});
database.env.STOPLINE_POLICY = shortClockPolicy(database.dir, CLOCK);
const secret = newWebhookSecret();
const receiver = await startSignedReceiver(secret);
const servers: RunningServer[] = [];
try {
  const token = await apiToken(database.env, ['admin'], ['webhooks.manage']);
  for (let i = 0; i < INSTANCES; i++) {
    const dir = join(database.dir, `instance-${i}`);
    mkdirSync(dir);
    servers.push(
      await startServer({ ...database.env, STOPLINE_DATA_DIR: dir }, undefined, undefined, 90_000),
    );
  }
  const urls = servers.map((s) => `http://127.0.0.1:${s.port}`);
  await createEndpoint(
    urls[0]!,
    token,
    receiver.url,
    ['deadline.reminded', 'deadline.breached', 'deadline.escalated'],
    secret,
  );

  const postingStarted = Date.now();
  const posted = await postReports(urls, COUNT, 16, 'instances');
  const postingSeconds = (Date.now() - postingStarted) / 1000;
  console.log(
    `posted ${COUNT} reports through ${INSTANCES} instances in ${postingSeconds.toFixed(1)} s: ` +
      `${posted.keys.length} receipts, ${posted.failed} refused or unanswered`,
  );
  if (posted.failed) failures.push(`${posted.failed} reports got no receipt (load too high?)`);
  const receipted = new Set(posted.keys);

  const breaches = (): Breach[] =>
    receiver.verified.map((d) => {
      const body = JSON.parse(d.body) as {
        type: string;
        data: {
          subject: { key: string };
          deadline: { id: string; dueAt: string };
          firedAt: string;
        };
      };
      return {
        webhookId: d.id,
        deadlineId: body.data.deadline.id,
        key: body.data.subject.key,
        type: body.type,
        dueAt: Date.parse(body.data.deadline.dueAt),
        firedAt: Date.parse(body.data.firedAt),
        arrivedAt: d.at,
      };
    });
  const arrivedKeys = () => new Set(breaches().map((b) => b.key));

  // The kill: once the agreed share has arrived (or when the last deadline is due, at the latest).
  const killBy = Date.now() + (CLOCK + 120) * 1000;
  while (arrivedKeys().size < KILL_AT * receipted.size && Date.now() < killBy) await sleep(50);
  const victim = servers[1]!;
  const arrivedBeforeKill = arrivedKeys().size;
  const killedAt = Date.now();
  await victim.stop('SIGKILL');
  console.log(
    `killed instance 2 (pid ${victim.child.pid}) with ${arrivedBeforeKill} of ` +
      `${receipted.size} deadlines arrived`,
  );

  // Every deadline, then listening on past the outbox's claim for redeliveries.
  let allAt: number | null = null;
  while (Date.now() - killedAt < Math.max(WAIT_MAX_MS, LISTEN_AFTER_KILL_MS)) {
    if (allAt === null && [...receipted].every((k) => arrivedKeys().has(k))) {
      allAt = Date.now();
      console.log(
        `every deadline arrived ${((allAt - killedAt) / 1000).toFixed(1)} s after the kill`,
      );
    }
    if (allAt !== null && Date.now() - killedAt >= LISTEN_AFTER_KILL_MS) break;
    if (allAt === null && Date.now() - killedAt >= WAIT_MAX_MS) break;
    await sleep(250);
  }

  const all = breaches();
  const idsByDeadline = new Map<string, Set<string>>();
  const deadlinesByKey = new Map<string, Set<string>>();
  const deliveriesById = new Map<string, number>();
  for (const b of all) {
    idsByDeadline.set(
      b.deadlineId,
      (idsByDeadline.get(b.deadlineId) ?? new Set()).add(b.webhookId),
    );
    deadlinesByKey.set(b.key, (deadlinesByKey.get(b.key) ?? new Set()).add(b.deadlineId));
    deliveriesById.set(b.webhookId, (deliveriesById.get(b.webhookId) ?? 0) + 1);
  }
  const missing = [...receipted].filter((k) => !deadlinesByKey.has(k));
  const twiceFired = [...idsByDeadline].filter(([, ids]) => ids.size > 1);
  const severalDeadlines = [...deadlinesByKey].filter(([, ids]) => ids.size > 1);
  const redelivered = [...deliveriesById].filter(([, n]) => n > 1);
  const notBreach = all.filter((b) => b.type !== 'deadline.breached');
  const unknown = [...deadlinesByKey.keys()].filter((k) => !receipted.has(k));
  const late = all.map((b) => (b.arrivedAt - b.dueAt) / 1000);
  const lateBefore = all
    .filter((b) => b.arrivedAt < killedAt)
    .map((b) => (b.arrivedAt - b.dueAt) / 1000);
  const lateAfter = all
    .filter((b) => b.arrivedAt >= killedAt)
    .map((b) => (b.arrivedAt - b.dueAt) / 1000);
  const fmt = (v: number[]) =>
    `p50 ${quantile(v, 0.5).toFixed(1)} / p99 ${quantile(v, 0.99).toFixed(1)} / max ${quantile(v, 1).toFixed(1)} s`;
  console.log(
    [
      `deliveries verified: ${all.length}; signatures rejected: ${receiver.rejected.length}`,
      `distinct deadlines fired: ${idsByDeadline.size} of ${receipted.size} receipted reports`,
      `missing (receipted, no firing): ${missing.length}`,
      `deadlines with more than one webhook-id (fired twice): ${twiceFired.length}`,
      `reports with more than one deadline fired: ${severalDeadlines.length}`,
      `redeliveries of the same webhook-id: ${redelivered.reduce((n, [, c]) => n + c - 1, 0)} ` +
        `(${redelivered.length} ids)`,
      `other deadline steps (reminders, escalations): ${notBreach.length}`,
      `firings for reports with no receipt: ${unknown.length}`,
      `due → arrival, all: ${fmt(late)}`,
      `due → arrival, before the kill: ${fmt(lateBefore)}; after: ${fmt(lateAfter)}`,
    ].join('\n'),
  );
  if (receiver.rejected.length)
    failures.push(`signatures rejected: ${receiver.rejected.slice(0, 5).join('; ')}`);
  if (missing.length) failures.push(`never fired: ${missing.slice(0, 20).join(', ')}`);
  for (const [id, ids] of twiceFired.slice(0, 20))
    failures.push(`deadline ${id} fired as ${[...ids].join(', ')}`);
  for (const [key, ids] of severalDeadlines.slice(0, 20))
    failures.push(`${key} fired deadlines ${[...ids].join(', ')}`);
  if (notBreach.length) failures.push(`${notBreach.length} steps the policy does not have fired`);
  const checked = await verify(database.env);
  console.log(`stopline verify: ${checked.ok ? 'OK' : checked.text}`);
  if (!checked.ok) failures.push(`stopline verify: ${checked.text}`);
} finally {
  for (const s of servers)
    if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
  await receiver.stop();
  await database.drop();
}
console.log(`after the run: ${machine()}`);
verdict('every deadline fires exactly once across instances with one killed', failures);
