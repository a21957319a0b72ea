// Fault suite: kill -9 of the server under intake load. A real `stopline serve` takes reports
// through the public JSON API from concurrent clients; after a random moment the process is killed
// with SIGKILL (no shutdown, no flush), then started again. After each restart, every report
// whose 201 receipt (with its key) reached a client must be stored, and `stopline verify` must
// pass. N trials on each database (SQLite file; PostgreSQL schema). Local only: the server listens
// on 127.0.0.1, the SQLite folder and the PostgreSQL schema are removed at the end.
// Run: npm run bench:fault-kill [-- --trials 20 --clients 16 --database sqlite|postgres|both]
import { parseArgs } from 'node:util';
import { startServer, type RunningServer } from '../test/helpers/cli-process.ts';
import {
  createBenchDatabase,
  machine,
  quantile,
  postReport,
  verdict,
  verify,
  type DatabaseKind,
} from './fault-support.ts';

const { values: args } = parseArgs({
  options: {
    trials: { type: 'string', default: '20' },
    clients: { type: 'string', default: '16' },
    database: { type: 'string', default: 'both' },
    /** The kill comes at a random moment between these many ms after the first receipt. */
    'kill-after-min': { type: 'string', default: '500' },
    'kill-after-max': { type: 'string', default: '3000' },
  },
});
const TRIALS = Number(args.trials);
const CLIENTS = Number(args.clients);
const KILL_MIN = Number(args['kill-after-min']);
const KILL_MAX = Number(args['kill-after-max']);
const kinds: DatabaseKind[] =
  args.database === 'both' ? ['sqlite', 'postgres'] : [args.database as DatabaseKind];

interface Trial {
  receipts: number;
  unanswered: number;
  missing: string[];
  verifyOk: boolean;
  verifyText: string;
  restartMs: number;
  killAfterMs: number;
}

/** Clients posting reports until `stop()`; each 201's key is kept. */
function intakeLoad(url: string, tag: string) {
  const receipts: string[] = [];
  let unanswered = 0;
  let otherStatus = 0;
  let running = true;
  let n = 0;
  const client = async () => {
    while (running) {
      const i = n++;
      try {
        const key = await postReport(url, i, tag);
        if (key) receipts.push(key);
        else otherStatus++;
      } catch {
        // Refused or cut off by the kill: no receipt, so no promise was made.
        unanswered++;
        if (running) await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const clients = Array.from({ length: CLIENTS }, client);
  return {
    receipts,
    unanswered: () => unanswered,
    otherStatus: () => otherStatus,
    async stop() {
      running = false;
      await Promise.all(clients);
    },
  };
}

async function runOn(kind: DatabaseKind): Promise<string[]> {
  const database = await createBenchDatabase(kind, 'kill');
  const failures: string[] = [];
  const trials: Trial[] = [];
  const allReceipts = new Set<string>();
  let server: RunningServer | null = null;
  try {
    server = await startServer(database.env, undefined, undefined, 180_000);
    for (let t = 1; t <= TRIALS; t++) {
      const url = `http://127.0.0.1:${server.port}`;
      const load = intakeLoad(url, `t${t}`);
      // The kill's moment is counted from the first receipt, so every kill comes under load.
      const until = Date.now() + 60_000;
      while (load.receipts.length === 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 10));
      }
      const killAfterMs = KILL_MIN + Math.random() * (KILL_MAX - KILL_MIN);
      await new Promise((r) => setTimeout(r, killAfterMs));
      await server.stop('SIGKILL');
      await load.stop();
      for (const key of load.receipts) allReceipts.add(key);
      const restarted = performance.now();
      server = await startServer(database.env, undefined, undefined, 180_000);
      const restartMs = performance.now() - restarted;
      const checked = await verify(database.env);
      const stored = await database.storedReportKeys();
      const missing = load.receipts.filter((k) => !stored.has(k));
      const trial: Trial = {
        receipts: load.receipts.length,
        unanswered: load.unanswered(),
        missing,
        verifyOk: checked.ok,
        verifyText: checked.text,
        restartMs,
        killAfterMs,
      };
      trials.push(trial);
      console.log(
        `${kind} trial ${t}: killed after ${killAfterMs.toFixed(0)} ms, ${trial.receipts} receipts, ` +
          `${trial.unanswered} unanswered, ${load.otherStatus()} other answers, ` +
          `${missing.length} missing, verify ${checked.ok ? 'OK' : 'FAILED'}, ` +
          `up again in ${restartMs.toFixed(0)} ms`,
      );
      if (missing.length)
        failures.push(`${kind} trial ${t}: receipted but not stored: ${missing.join(', ')}`);
      if (!checked.ok) failures.push(`${kind} trial ${t}: stopline verify: ${checked.text}`);
      if (trial.receipts === 0)
        failures.push(`${kind} trial ${t}: no receipt before the kill (no load)`);
    }
    // Every receipt of every trial, once more at the end: none lost by a later crash either.
    const stored = await database.storedReportKeys();
    const lostLater = [...allReceipts].filter((k) => !stored.has(k));
    if (lostLater.length)
      failures.push(`${kind}: lost after a later trial: ${lostLater.join(', ')}`);
    const restarts = trials.map((t) => t.restartMs);
    console.log(
      `${kind}: ${trials.length} kills, ${allReceipts.size} receipts in all, ` +
        `${stored.size} reports stored, ${lostLater.length} receipted reports missing at the end, ` +
        `verify passed ${trials.filter((t) => t.verifyOk).length}/${trials.length}, ` +
        `restart to /healthz median ${quantile(restarts, 0.5).toFixed(0)} ms, ` +
        `max ${Math.max(...restarts).toFixed(0)} ms`,
    );
  } finally {
    await server?.stop('SIGKILL');
    await database.drop();
  }
  return failures;
}

console.log(`fault-kill: ${TRIALS} trials per database, ${CLIENTS} clients; ${machine()}`);
const failures: string[] = [];
for (const kind of kinds) failures.push(...(await runOn(kind)));
console.log(`after the run: ${machine()}`);
verdict('every receipted report stored after kill -9 and restart; verify passes', failures);
