// The console's "Policy changes" page (GET /api/v1/policy/proposed-changes): statements and time of
// listing the changes proposed by N post-mortems, each on an incident declared on the emergency
// override (a departure from the policy: one proposal each), one in five restricted. The use case
// is called as the owner (who sees them all) and as a responder who takes part in none.
//
//   node --import tsx bench/policy-changes.ts [--postmortems 200] [--rounds 20]
//     PostgreSQL: STOPLINE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test (a fresh
//     schema, as for the tests)
import { parseArgs } from 'node:util';
import { FakeClock } from '../src/server/clock.ts';
import { createContainer } from '../src/server/container.ts';
import { createLogger } from '../src/server/logger.ts';
import { declareOwned, responder } from '../test/helpers/incidents-context.ts';
import { StatementRecorder } from '../test/helpers/statements.ts';
import { createTestDatabase, testDialect } from '../test/helpers/test-db.ts';

const { values: args } = parseArgs({
  options: {
    postmortems: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '20' },
  },
});
const [POSTMORTEMS, ROUNDS] = [Number(args.postmortems), Number(args.rounds)];

const learningWork = ['learning.read', 'learning.write'] as const;
const [owner, outsider] = [
  responder('owner', [...learningWork]),
  responder('outsider', [...learningWork]),
];
const database = await createTestDatabase();
const recorder = new StatementRecorder();
const container = await createContainer(database.config, {
  clock: new FakeClock('2026-03-02T09:00:00Z'),
  logger: createLogger('silent'),
  databasePlugins: [recorder],
  incidentStaff: {
    listActive: async () =>
      [owner, outsider].map((a) => ({
        id: a.userId ?? '',
        displayName: a.userId ?? '',
        permissions: a.permissions,
      })),
  },
});
const learning = container.services.learning;

for (let i = 0; i < POSTMORTEMS; i++) {
  const incident = await declareOwned({ container }, 'owner', `Case ${i}`, 'P2', i % 5 === 0);
  await learning.startPostmortem(owner, incident.key);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(
  `policy changes on ${testDialect === 'postgres' ? 'PostgreSQL' : 'SQLite'}, ${POSTMORTEMS} post-mortems, median of ${ROUNDS}`,
);
console.log('as        changes  statements      ms');
for (const [name, actor] of [
  ['owner', owner],
  ['outsider', outsider],
] as const) {
  const rows: { changes: number; statements: number; ms: number }[] = [];
  for (let round = 0; round < ROUNDS + 1; round++) {
    const started = performance.now();
    const { result, statements } = await recorder.during(() => learning.listPolicyChanges(actor));
    const ms = performance.now() - started;
    // The first round warms the caches (the policy's by hash): not counted.
    if (round > 0) rows.push({ changes: result.length, statements: statements.length, ms });
  }
  console.log(
    `${name.padEnd(9)} ${String(rows[0]!.changes).padStart(7)} ${String(median(rows.map((r) => r.statements))).padStart(11)} ${median(
      rows.map((r) => r.ms),
    )
      .toFixed(1)
      .padStart(7)}`,
  );
}

await container.close();
await database.drop();
