// Statements per incident command: the Kundo journey (open from scratch to closed) driven through
// the incidents service on a fresh database, with a Kysely plugin counting every statement each
// command sends. A "load" is one full read of an incident's state (its projection row and its
// eight part tables); the target is at most one per command. The reference, measured in the same
// run, is a bare one-row INSERT through the same Kysely and driver, so the time ratio says what a
// command costs in inserts.
//
//   node --import tsx bench/incident-statements.ts [--database sqlite|postgres] [--rounds 20]
//     PostgreSQL: DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { TableNode, sql } from 'kysely';
import pg from 'pg';
import { FakeClock, MINUTE } from '../src/server/clock.ts';
import { loadConfig } from '../src/server/config.ts';
import { createContainer } from '../src/server/container.ts';
import type { Actor } from '../src/server/domain/actor.ts';
import { createLogger } from '../src/server/logger.ts';
import { PERMISSIONS, type Permission } from '../src/shared/domain/permissions.ts';

const { values: args } = parseArgs({
  options: {
    database: { type: 'string', default: 'sqlite' },
    rounds: { type: 'string', default: '20' },
  },
});
const POSTGRES = args.database === 'postgres';
if (!POSTGRES && args.database !== 'sqlite') throw new Error('--database is sqlite or postgres');
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = Number(args.rounds);

/** Counts statements; a read of incident_panel_members marks one full incident load. */
class StatementCounter implements KyselyPlugin {
  statements = 0;
  loads = 0;
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    this.statements += 1;
    const node = args.node;
    if (node.kind === 'SelectQueryNode') {
      const from = node.from?.froms[0];
      if (TableNode.is(from!) && from.table.identifier.name === 'incident_panel_members') {
        this.loads += 1;
      }
    }
    return node;
  }
  transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return Promise.resolve(args.result);
  }
}

const work = PERMISSIONS.filter((p) => p.startsWith('incidents.')) as Permission[];
const actor = (userId: string): Actor => ({
  kind: 'user',
  userId,
  roles: ['responder'],
  permissions: new Set([...work, 'line.read']),
});

const dataDir = mkdtempSync(join(tmpdir(), 'stopline-bench-'));
const schema = `bench_${process.pid}`;
const env: Record<string, string> = {
  STOPLINE_DATA_DIR: dataDir,
  STOPLINE_LOG_LEVEL: 'silent',
  ...(POSTGRES ? { DATABASE_URL: PG_URL, STOPLINE_PG_SCHEMA: schema } : {}),
};
const counter = new StatementCounter();
const clock = new FakeClock('2026-03-02T09:00:00Z');
const container = await createContainer(loadConfig(env), {
  clock,
  logger: createLogger('silent'),
  databasePlugins: [counter],
  findAvailableResponders: async () => [{ id: 'dev-owner' }],
});
const s = container.services.incidents;

interface Row {
  statements: number;
  loads: number;
  ms: number;
}
const results = new Map<string, Row[]>();
async function measure<T>(name: string, command: () => Promise<T>): Promise<T> {
  const [statements, loads] = [counter.statements, counter.loads];
  const started = performance.now();
  const result = await command();
  const row = {
    statements: counter.statements - statements,
    loads: counter.loads - loads,
    ms: performance.now() - started,
  };
  results.set(name, [...(results.get(name) ?? []), row]);
  return result;
}

const [owner, devA, devB, lead, commander] = [
  'dev-owner',
  'dev-a',
  'dev-b',
  'sec-lead',
  'commander',
].map(actor) as [Actor, Actor, Actor, Actor, Actor];

async function journey(round: number) {
  const opened = await measure('open', () =>
    s.openIncident(owner, {
      title: `Reset token leaks via Referer (${round})`,
      summary: '',
      source: 'report',
      affectedSystems: ['accounts'],
      detectedAt: null,
      reportedAt: null,
      restricted: false,
      publiclyDisclosed: false,
      reportIds: [],
    }),
  );
  const key = opened.key;
  await measure('assign owner (automatic)', () => s.assignOwner(owner, key, undefined));
  clock.advance(MINUTE);
  await measure('record reproduction', () =>
    s.recordReproduction(owner, key, undefined, {
      result: 'reproduced',
      steps: '1. request reset 2. open link',
      evidence: 'HAR',
    }),
  );
  await measure('convene panel', () =>
    s.convenePanel(owner, key, undefined, {
      responderIds: ['dev-a', 'dev-b'],
      securityLeadId: 'sec-lead',
    }),
  );
  for (const voter of [owner, devA, devB, lead]) {
    await measure('cast vote (last one decides, stops the line)', () =>
      s.castVote(voter, key, undefined, {
        answers: { customer_data_privacy: true },
        vote: 'critical',
        rationale: 'tokens reach a third party',
      }),
    );
  }
  await measure('assign role', () =>
    s.assignRole(lead, key, undefined, { role: 'incident_commander', userId: 'commander' }),
  );
  for (const [role, userId] of [
    ['security_engineer', 'dev-owner'],
    ['communications_lead', 'dev-a'],
  ]) {
    await measure('assign role', () =>
      s.assignRole(commander, key, undefined, { role: role!, userId: userId! }),
    );
  }
  await measure('log decision', () =>
    s.logDecision(commander, key, undefined, {
      what: 'Disable reset',
      why: 'Stops leaks',
      alternatives: 'none',
      decidedBy: 'commander',
    }),
  );
  await measure('move phase', () => s.movePhase(commander, key, undefined, 'containment'));
  const contained = await measure('record containment', () =>
    s.recordContainment(owner, key, undefined, {
      kind: 'feature_disabled',
      description: 'Reset off',
    }),
  );
  await measure('move phase', () => s.movePhase(commander, key, undefined, 'eradication'));
  await measure('record milestone', () =>
    s.recordMilestone(owner, key, undefined, 'root_cause_fixed', 'fixed'),
  );
  await measure('move phase', () => s.movePhase(commander, key, undefined, 'recovery'));
  await measure('revert containment', () =>
    s.revertContainment(owner, key, undefined, contained.id, 'Reset is back'),
  );
  const task = await measure('add task', () =>
    s.addTask(commander, key, undefined, {
      type: 'verify_reporter_identity',
      title: 'Call back',
      description: '',
      assigneeId: 'commander',
      dueAt: null,
    }),
  );
  await measure('update task', () =>
    s.updateTask(commander, key, undefined, task.id, { status: 'done' }),
  );
  await measure('add note', () => s.addNote(commander, key, undefined, 'note', 'internal'));
  await measure('move phase', () => s.movePhase(commander, key, undefined, 'lessons_learned'));
  for (const m of ['reporter_informed', 'post_mortem_recorded', 'final_report_step_recorded']) {
    await measure('record milestone', () =>
      s.recordMilestone(commander, key, undefined, m as 'reporter_informed', 'done'),
    );
  }
  await measure('move phase (close)', () => s.movePhase(lead, key, undefined, 'closed'));
}

// The reference: a bare one-row insert through the same Kysely and driver.
await sql`create table bench_bare (id integer primary key, v text not null)`.execute(container.db);
async function bareInsert(i: number) {
  const started = performance.now();
  await sql`insert into bench_bare (id, v) values (${i}, ${'x'})`.execute(container.db);
  return performance.now() - started;
}

await journey(0); // warm-up: not counted
results.clear();
const bare: number[] = [];
for (let round = 1; round <= ROUNDS; round += 1) {
  await journey(round);
  for (let i = 0; i < 20; i += 1) bare.push(await bareInsert(round * 100 + i));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const bareMs = median(bare);
console.log(
  `incident commands on ${POSTGRES ? 'PostgreSQL' : 'SQLite'}, ${ROUNDS} journeys (median per command)`,
);
console.log(
  'command                                        statements  loads   ms   × bare insert',
);
let [allStatements, allLoads, commands] = [0, 0, 0];
for (const [name, rows] of results) {
  const st = median(rows.map((r) => r.statements));
  const loads = median(rows.map((r) => r.loads));
  const ms = median(rows.map((r) => r.ms));
  allStatements += rows.reduce((n, r) => n + r.statements, 0);
  allLoads += rows.reduce((n, r) => n + r.loads, 0);
  commands += rows.length;
  console.log(
    `${name.padEnd(46)} ${String(st).padStart(10)} ${String(loads).padStart(6)} ${ms.toFixed(2).padStart(6)} ${(ms / bareMs).toFixed(1).padStart(8)}`,
  );
}
const maxLoads = Math.max(...[...results.values()].flat().map((r) => r.loads));
console.log(
  `all commands: ${(allStatements / commands).toFixed(1)} statements and ${(allLoads / commands).toFixed(2)} loads per command (at most ${maxLoads}); bare insert ${bareMs.toFixed(3)} ms`,
);

await container.close();
if (POSTGRES) {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`drop schema if exists ${schema} cascade`);
  await client.end();
}
rmSync(dataDir, { recursive: true, force: true });
