// Several instances on one PostgreSQL schema, as behind a load balancer: a change made through
// one instance reaches browsers connected to another (LISTEN/NOTIFY), an instance whose LISTEN
// connection drops reconnects and catches up, and another schema in the same database hears
// nothing of it. PostgreSQL only: on SQLite there is one process.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { liveChannel } from '../../src/server/db/live-notices.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { subscribe } from '../helpers/sse-client.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';
import { TEST_PG_URL, testDialect } from '../helpers/test-db.ts';

const onPostgres = testDialect === 'postgres';

let a: TestApp;
let b: TestApp;
let other: TestApp;
let lead: Record<string, string>;
let responderOnB: Record<string, string>;

beforeAll(async () => {
  if (!onPostgres) return;
  a = await createTestApp();
  b = await createTestApp({ database: a.database, clock: a.clock });
  other = await createTestApp({ clock: a.clock });
  const leadUser = await createUser(a, { roles: ['security_lead'] });
  lead = await signIn(a, leadUser.email, leadUser.password);
  const responder = await createUser(a, { roles: ['responder'] });
  // Accounts live in the shared database: signing in on B works with a user made on A.
  responderOnB = await signIn(b, responder.email, responder.password);
});
afterAll(async () => {
  if (!onPostgres) return;
  await other.close();
  await b.close();
  await a.close();
});

async function openIncidentOn(t: TestApp, headers: Record<string, string>, title: string) {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/incidents',
    headers,
    payload: { title },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json() as { key: string };
}

describe('live updates across instances on one PostgreSQL schema', () => {
  it.runIf(onPostgres)(
    'a change made through instance A reaches a browser connected to instance B within a second',
    async () => {
      const stream = await subscribe(b, responderOnB);
      const incident = await openIncidentOn(a, lead, 'Seen from the other instance');
      expect(await stream.nextChange((n) => n.key === incident.key)).toMatchObject({
        subject: 'incident',
        type: 'incident.opened',
      });
      stream.close();
    },
  );

  it.runIf(onPostgres)('another schema in the same database hears nothing of it', async () => {
    const someone = await createUser(other, { roles: ['admin'] });
    const headers = await signIn(other, someone.email, someone.password);
    const stream = await subscribe(other, headers);
    expect(liveChannel(other.container.config.pgSchema)).not.toBe(
      liveChannel(a.container.config.pgSchema),
    );
    await openIncidentOn(a, lead, 'Only for schema A');
    const own = await openIncidentOn(other, headers, 'Its own');
    await stream.nextChange((n) => n.key === own.key);
    // Only its own change was heard (a notice from A would have arrived first).
    expect(stream.changes()).toHaveLength(1);
    stream.close();
  });

  it.runIf(onPostgres)(
    'an instance whose LISTEN connection drops reconnects and sends what was committed meanwhile',
    async () => {
      const stream = await subscribe(b, responderOnB);
      const admin = new pg.Client({ connectionString: TEST_PG_URL });
      await admin.connect();
      try {
        const channel = liveChannel(b.container.config.pgSchema);
        const killed = await admin.query(
          `select pg_terminate_backend(pid) as done from pg_stat_activity
            where application_name = 'stopline-live' and query = $1`,
          [`LISTEN "${channel}"`],
        );
        // Only B listens: an instance starts listening with its first open stream.
        expect(killed.rowCount).toBe(1);
      } finally {
        await admin.end();
      }
      await vi.waitFor(() => expect(b.container.workers.liveFeed.listening).toBe(false), {
        timeout: 1000,
      });
      // Committed while B is not listening (it waits 250 ms before reconnecting): caught up
      // once it listens again.
      const missed = await openIncidentOn(a, lead, 'While B was deaf');
      expect(await stream.nextChange((n) => n.key === missed.key, 5000)).toMatchObject({
        type: 'incident.opened',
      });
      const later = await openIncidentOn(a, lead, 'After B is back');
      await stream.nextChange((n) => n.key === later.key, 5000);
      stream.close();
    },
  );
});
