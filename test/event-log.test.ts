import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContainer, type Container } from '../src/server/container.ts';
import {
  appendEvents,
  listStreamEvents,
  streamVersion,
  type NewEvent,
} from '../src/server/db/event-store.ts';
import { inTransaction } from '../src/server/db/transaction.ts';
import { verifyEventLog } from '../src/server/db/verify-chain.ts';
import { AppError } from '../src/server/errors.ts';
import { createLogger } from '../src/server/logger.ts';
import { runCli } from './helpers/cli-process.ts';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.ts';

const note = (text: string): NewEvent => ({
  type: 'note.added',
  visibility: 'internal',
  actorId: null,
  data: { text },
});

let database: TestDatabase;
let c: Container;

beforeAll(async () => {
  database = await createTestDatabase();
  c = await createContainer(database.config, { logger: createLogger('silent') });
});
afterAll(async () => {
  await c.close();
  await database.drop();
});

const append = (streamId: string, expectedVersion: number, events: NewEvent[], at = 1_000) =>
  inTransaction(c.db, (tx) =>
    appendEvents(tx, { streamId, streamType: 'incident', expectedVersion, at, events }),
  );

describe('event log', () => {
  it('numbers events per stream and chains each to the one before', async () => {
    const first = await append('stream-a', 0, [note('opened'), note('owner assigned')]);
    const second = await append('stream-a', 2, [note('reproduced')]);
    expect([...first, ...second].map((e) => e.seq)).toEqual([1, 2, 3]);
    const stored = await listStreamEvents(c.db, 'stream-a');
    expect(stored.map((e) => e.data.text)).toEqual(['opened', 'owner assigned', 'reproduced']);
    expect(await streamVersion(c.db, 'stream-a')).toBe(3);
    expect((await verifyEventLog(c.db)).breaks).toEqual([]);
  });

  it('rejects an append at a stale version with CONFLICT and writes nothing', async () => {
    await append('stream-b', 0, [note('one')]);
    const stale = append('stream-b', 0, [note('lost update'), note('second')]);
    await expect(stale).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(stale).rejects.toBeInstanceOf(AppError);
    const stored = await listStreamEvents(c.db, 'stream-b');
    expect(stored.map((e) => e.data.text)).toEqual(['one']);
    expect(await streamVersion(c.db, 'stream-b')).toBe(1);
  });

  it('rolls back projections written in the same transaction when the append conflicts', async () => {
    await append('stream-c', 0, [note('one')]);
    const attempt = inTransaction(c.db, async (tx) => {
      await tx.insertInto('key_sequences').values({ name: 'projection-probe', value: 1 }).execute();
      await appendEvents(tx, {
        streamId: 'stream-c',
        streamType: 'incident',
        expectedVersion: 0,
        at: 1,
        events: [note('x')],
      });
    });
    await expect(attempt).rejects.toMatchObject({ code: 'CONFLICT' });
    const probe = await c.db
      .selectFrom('key_sequences')
      .selectAll()
      .where('name', '=', 'projection-probe')
      .execute();
    expect(probe).toEqual([]);
  });

  it('lets exactly one of two concurrent writers at the same version win', async () => {
    await append('stream-d', 0, [note('start')]);
    const results = await Promise.allSettled([
      append('stream-d', 1, [note('writer one')]),
      append('stream-d', 1, [note('writer two')]),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toMatchObject({ code: 'CONFLICT' });
    expect(await listStreamEvents(c.db, 'stream-d')).toHaveLength(2);
  });

  it('stores script from a reporter as plain data, byte for byte', async () => {
    const hostile = "<script>alert(1)</script>'; DROP TABLE events; -- {{7*7}} \u0000";
    await append('stream-e', 0, [note(hostile)]);
    const [event] = await listStreamEvents(c.db, 'stream-e');
    expect(event?.data.text).toBe(hostile);
  });

  it('`stopline verify` passes on an intact log and fails naming an event edited with SQL', async () => {
    const ok = await runCli(['verify'], database.env);
    expect(ok.stdout).toMatch(/event log OK/);
    expect(ok.code).toBe(0);

    const [, target] = await listStreamEvents(c.db, 'stream-a');
    await sql`update events set data_json = ${'{"text":"owner was never assigned"}'} where id = ${target!.id}`.execute(
      c.db,
    );

    const broken = await runCli(['verify'], database.env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`stream stream-a, event #2 (id ${target!.id})`);
    expect(broken.stderr).toMatch(/edited/);
  });

  it('verify notices a removed last event', async () => {
    await append('stream-f', 0, [note('one'), note('two')]);
    await sql`delete from events where stream_id = 'stream-f' and seq = 2`.execute(c.db);
    const result = await verifyEventLog(c.db);
    expect(result.breaks.find((b) => b.streamId === 'stream-f')?.reason).toMatch(/events removed/);
  });
});
