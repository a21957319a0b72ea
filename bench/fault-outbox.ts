// Fault suite: the outbox against a receiver that misbehaves. A real `stopline serve` sends one
// signed `incident.line_stopped` webhook per P0 incident opened through the API to a local
// Standard Webhooks receiver (every signature checked with the `standardwebhooks` package), in
// three phases:
//   down: the receiver is not listening (connections refused) for `--down-seconds`, then comes up;
//   slow: it answers each message's first attempt 2 s after the sender's 15 s timeout (the
//         message did arrive; the sender cannot know), later attempts at once;
//   500:  it answers each message's first two attempts 500, then 204.
// Invariant: nothing lost (every incident's message arrives) and no message delivered twice with
// different webhook-ids (counted by content, the incident key, against webhook-id). The same id
// again is a retry a Standard Webhooks receiver drops by id: counted, not a failure.
// Retries are shortened (first after 1 s, at most 4 s apart, 30 attempts) so the run is short.
// Local only. Run: npm run bench:fault-outbox [-- --messages 200 --slow-messages 24
// --down-seconds 20 --database sqlite|postgres|both]
import { parseArgs } from 'node:util';
import { startServer, type RunningServer } from '../test/helpers/cli-process.ts';
import {
  apiToken,
  createBenchDatabase,
  createEndpoint,
  machine,
  newWebhookSecret,
  quantile,
  sleep,
  startSignedReceiver,
  verdict,
  type DatabaseKind,
  type SignedReceiver,
} from './fault-support.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '200' },
    'slow-messages': { type: 'string', default: '24' },
    'down-seconds': { type: 'string', default: '20' },
    database: { type: 'string', default: 'both' },
    /** Longest wait for a phase's messages once the receiver behaves, in seconds. */
    'wait-max': { type: 'string', default: '300' },
  },
});
const MESSAGES = Number(args.messages);
const SLOW_MESSAGES = Number(args['slow-messages']);
const DOWN_MS = Number(args['down-seconds']) * 1000;
const WAIT_MAX_MS = Number(args['wait-max']) * 1000;
/** The worker's answer timeout for a webhook (outbound-http.ts). */
const SENDER_TIMEOUT_MS = 15_000;
const kinds: DatabaseKind[] =
  args.database === 'both' ? ['sqlite', 'postgres'] : [args.database as DatabaseKind];

/** Opens `count` P0 incidents (8 at a time); their keys. */
async function openIncidents(url: string, token: string, count: number, tag: string) {
  const keys: string[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < count) {
        const i = next++;
        const res = await fetch(`${url}/api/v1/incidents`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({
            title: `Bench ${tag} ${i}`,
            severity: 'P0',
            severityRationale: 'bench',
            severityOverride: { reason: 'bench: the severity cannot wait' },
          }),
        });
        const text = await res.text();
        if (res.status !== 201) throw new Error(`incident: ${res.status} ${text}`);
        keys.push((JSON.parse(text) as { key: string }).key);
      }
    }),
  );
  return keys;
}

/** The incident key a delivery carries. */
const keyOf = (body: string) =>
  (JSON.parse(body) as { data: { incident: { key: string } } }).data.incident.key;

/** Waits until each key's message was answered 2xx in time (the sender has it delivered). */
async function waitForAll(receiver: SignedReceiver, keys: string[]): Promise<number | null> {
  const started = Date.now();
  const wanted = new Set(keys);
  while (Date.now() - started < WAIT_MAX_MS) {
    const seen = new Set(
      receiver.verified.filter((d) => receiver.settled.has(d.id)).map((d) => keyOf(d.body)),
    );
    if ([...wanted].every((k) => seen.has(k))) return Date.now();
    await sleep(100);
  }
  return null;
}

async function runOn(kind: DatabaseKind): Promise<string[]> {
  const failures: string[] = [];
  const database = await createBenchDatabase(kind, 'outbox', {
    STOPLINE_DELIVERY_RETRY_SECONDS: '1',
    STOPLINE_DELIVERY_RETRY_MAX_SECONDS: '4',
    STOPLINE_DELIVERY_MAX_ATTEMPTS: '30',
    STOPLINE_OUTBOX_POLL_SECONDS: '1',
  });
  const secret = newWebhookSecret();
  const receiver = await startSignedReceiver(secret);
  let server: RunningServer | null = null;
  try {
    const token = await apiToken(
      database.env,
      ['admin', 'security_lead'],
      ['webhooks.manage', 'incidents.create', 'incidents.decide'],
    );
    server = await startServer(database.env, undefined, undefined, 60_000);
    const url = `http://127.0.0.1:${server.port}`;
    await createEndpoint(url, token, receiver.url, ['incident.line_stopped'], secret);

    const phases: { name: string; keys: string[]; drainedMs: number | null }[] = [];
    const phase = async (name: string, count: number, misbehave: () => Promise<void>) => {
      const started = Date.now();
      const keys = await openIncidents(url, token, count, name);
      await misbehave();
      const behavingAt = Date.now();
      const doneAt = await waitForAll(receiver, keys);
      phases.push({ name, keys, drainedMs: doneAt === null ? null : doneAt - behavingAt });
      console.log(
        `${kind} ${name}: ${count} messages, all delivered ${
          doneAt === null
            ? 'NOT within the wait'
            : `${((doneAt - started) / 1000).toFixed(1)} s after the first was made`
        }`,
      );
    };

    await receiver.down();
    await phase('down', MESSAGES, async () => {
      await sleep(DOWN_MS);
      await receiver.up();
    });
    receiver.behaviour = { mode: 'slow', slowMs: SENDER_TIMEOUT_MS + 2_000, failFirst: 0 };
    await phase('slow', SLOW_MESSAGES, async () => {});
    receiver.behaviour = { mode: 'fail', slowMs: 0, failFirst: 2 };
    await phase('500 then 200', MESSAGES, async () => {});
    receiver.behaviour = { mode: 'up', slowMs: 0, failFirst: 0 };
    // Late retries of the slow phase land here too: a short wait so they are counted.
    await sleep(5_000);

    const all = receiver.verified;
    const idsByKey = new Map<string, Set<string>>();
    const deliveriesById = new Map<string, number>();
    for (const d of all) {
      const key = keyOf(d.body);
      idsByKey.set(key, (idsByKey.get(key) ?? new Set()).add(d.id));
      deliveriesById.set(d.id, (deliveriesById.get(d.id) ?? 0) + 1);
    }
    for (const p of phases) {
      const lost = p.keys.filter((k) => !idsByKey.has(k));
      const twice = p.keys.filter((k) => (idsByKey.get(k)?.size ?? 0) > 1);
      const attempts = p.keys.map((k) =>
        [...(idsByKey.get(k) ?? [])].reduce((n, id) => n + (deliveriesById.get(id) ?? 0), 0),
      );
      console.log(
        `${kind} ${p.name}: ${p.keys.length} made, ${p.keys.length - lost.length} arrived, ` +
          `${lost.length} lost, ${twice.length} with more than one webhook-id, ` +
          `arrivals per message p50 ${quantile(attempts, 0.5)} / max ${Math.max(...attempts, 0)} ` +
          `(the same id again: a retry), drained ${
            p.drainedMs === null ? 'never' : `${(p.drainedMs / 1000).toFixed(1)} s`
          } after the receiver behaved`,
      );
      if (lost.length) failures.push(`${kind} ${p.name}: lost ${lost.slice(0, 20).join(', ')}`);
      for (const k of twice.slice(0, 20)) {
        failures.push(`${kind} ${p.name}: ${k} delivered as ${[...idsByKey.get(k)!].join(', ')}`);
      }
    }
    console.log(
      `${kind}: ${all.length} signed deliveries verified, ${receiver.rejected.length} rejected, ` +
        `${receiver.refusedOnPurpose} answered 500 on purpose`,
    );
    if (receiver.rejected.length) {
      failures.push(`${kind}: signatures rejected: ${receiver.rejected.slice(0, 5).join('; ')}`);
    }
  } finally {
    await server?.stop();
    await receiver.stop();
    await database.drop();
  }
  return failures;
}

console.log(
  `fault-outbox: ${MESSAGES} messages down and 500-then-200, ${SLOW_MESSAGES} slow; ${machine()}`,
);
const failures: string[] = [];
for (const kind of kinds) failures.push(...(await runOn(kind)));
console.log(`after the run: ${machine()}`);
verdict('outbox: nothing lost, no message delivered twice with different ids', failures);
