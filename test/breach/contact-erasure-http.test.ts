// A breach's contact list under retention and erasure (issue 19, item 5): an admin (data.erase)
// erases one person's address on request with a reason, and it is gone at once from the list
// (JSON and CSV), a notice's deliveries, the record, and the e-mails of its notices (the one not
// sent yet never goes); others get 403, an address not on the list 404. The retention rule's
// removal of the whole list leaves a tombstone too. The record keeps `breach.contacts_redacted`
// events that never name the person, and `stopline verify` still passes. A fresh read of the
// record answers its tombstones (`details.contactRedactions`: how many lines went, when and why)
// to those who see its details, before and after the migration that keeps the count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, FakeClock } from '../../src/server/clock.ts';
import { migrateDownTo, migrateToLatest } from '../../src/server/db/migrate.ts';
import { MIGRATION_NAMES } from '../../src/server/db/migrations/index.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { recordDeterminations } from '../helpers/breach.ts';
import { runStopline } from '../helpers/tamper.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let legal: Who, responder: Who, admin: Who;
let path = '';
const clock = new FakeClock('2026-12-04T11:00:00Z');
const ERIN = 'erin.erased@example.org';
const CSV = [
  'name,email,customer number',
  'Ada Lovelace,ada@example.org,C-1',
  `Erin Erasmus,${ERIN},C-2`,
  'Grace Hopper,grace@example.org,C-3',
].join('\n');

const call = (who: Who, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp({ clock });
  [legal, responder, admin] = await Promise.all([
    createTokenFor(t, 'legal'),
    createTokenFor(t, 'responder'),
    createTokenFor(t, 'admin'),
  ]);
  const created = await call(responder, 'POST', '/api/v1/incidents', {
    title: 'Customer list copied from the CRM',
  });
  path = `/api/v1/incidents/${created.json().key}/breach`;
  const opened = await call(legal, 'POST', path, {
    status: 'confirmed',
    nature: ['confidentiality'],
    dataCategories: [{ name: 'names and e-mail addresses', special: false }],
    people: { count: 3, estimate: false },
    records: { count: 3, estimate: false },
    consequences: 'Targeted phishing e-mails',
    measuresTaken: 'The CRM export was switched off',
    measuresProposed: 'Be wary of e-mails asking for your password',
    contactPoint: 'dpo@example.org',
  });
  expect(opened.statusCode, opened.body).toBe(201);
  await recordDeterminations(
    t,
    created.json().key,
    legal.headers,
    [['became_aware', '2026-12-04T10:00:00Z'], ['personal_data_involved']],
    'The export held the customer list',
  );
  const imported = await t.app.inject({
    method: 'POST',
    url: `${path}/contacts`,
    headers: { ...legal.headers, 'content-type': 'text/csv' },
    payload: CSV,
  });
  expect(imported.statusCode, imported.body).toBe(200);
  // The notice to the people affected is approved and sent: three e-mails wait in the outbox.
  const risk = await call(legal, 'POST', `${path}/determinations`, {
    kind: 'high_risk',
    value: true,
    rationale: 'Copies of the list were found on a forum',
  });
  expect(risk.statusCode, risk.body).toBe(201);
  const notice = (risk.json().details.notices as { id: string; audience: string }[]).find(
    (n) => n.audience === 'individuals',
  )!;
  await call(legal, 'PATCH', `${path}/notices/${notice.id}`, {
    subject: 'About your customer account',
    text: 'Dear {name},\n\nYour name and e-mail address were copied. Questions: dpo@example.org',
  });
  expect((await call(legal, 'POST', `${path}/notices/${notice.id}/approval`)).statusCode).toBe(200);
  const sent = await call(legal, 'POST', `${path}/notices/${notice.id}/send`, {});
  expect(sent.statusCode, sent.body).toBe(200);
});
afterAll(async () => t.close());

const outboxTo = (address: string) =>
  t.container.db
    .selectFrom('outbox')
    .select(['status', 'recipient', 'body_text', 'last_error'])
    .where('idempotency_key', 'like', 'breach_notice:%')
    .where('recipient', '=', address)
    .execute();

async function tombstones() {
  const rows = await t.container.db
    .selectFrom('events')
    .select(['data_json', 'actor_id'])
    .where('type', '=', 'breach.contacts_redacted')
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ ...JSON.parse(r.data_json), actorId: r.actor_id }));
}

/** The migration that keeps a tombstone's count on its row. */
const LINES_MIGRATION = '2026-12-07-0200-breach-contact-tombstone-lines';

/** The `redactions` rows the contact-list tombstones project, every column the schema has. */
const projectedTombstones = () =>
  t.container.db
    .selectFrom('redactions')
    .selectAll()
    .where('target_type', '=', 'breach_contacts')
    .execute();

describe('erasure of one person from a breach contact list', () => {
  const reason = 'Erasure request from the data subject, ticket 812';
  const url = () => `${path}/contacts/erasures`;

  it('only an admin with data.erase may, with a reason; an address not on the list is 404', async () => {
    for (const who of [legal, responder]) {
      const refused = await call(who, 'POST', url(), { email: ERIN, reason });
      expect(refused.statusCode).toBe(403);
      expect(refused.json().detail).toContain('data.erase');
    }
    const noReason = await call(admin, 'POST', url(), { email: ERIN, reason: ' ' });
    expect(noReason.statusCode).toBe(400);
    expect(JSON.stringify(noReason.json().errors)).toContain('reason');
    const stranger = await call(admin, 'POST', url(), { email: 'nobody@example.org', reason });
    expect(stranger.statusCode).toBe(404);
    expect((await outboxTo(ERIN)).map((m) => m.status)).toEqual(['pending']);
  });

  it('removes the address from the list, its exports, the record and the e-mail not sent', async () => {
    const erased = await call(admin, 'POST', url(), { email: 'Erin.Erased@EXAMPLE.org', reason });
    expect(erased.statusCode, erased.body).toBe(201);
    expect(erased.json()).toEqual({ count: 1, at: new Date(clock.now()).toISOString() });

    const list = await call(legal, 'GET', `${path}/contacts`);
    expect((list.json().items as { email: string }[]).map((p) => p.email)).toEqual([
      'ada@example.org',
      'grace@example.org',
    ]);
    const csv = await call(legal, 'GET', `${path}/contacts?format=csv`);
    const record = await call(legal, 'GET', path);
    const notice = (record.json().details.notices as { id: string; audience: string }[]).find(
      (n) => n.audience === 'individuals',
    )!;
    const deliveries = await call(legal, 'GET', `${path}/notices/${notice.id}/deliveries`);
    for (const res of [list, csv, record, deliveries]) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain('erin');
      expect(res.body).not.toContain('Erasmus');
    }
    // The record read right after the erasure says how many lines went (one), never who.
    expect(record.json().details.contactRedactions.map((r: { count: number }) => r.count)).toEqual([
      1,
    ]);
    // The e-mail waiting for Erin is emptied and given up; the others still wait to go.
    expect(await outboxTo(ERIN)).toEqual([]);
    const emptied = await t.container.db
      .selectFrom('outbox')
      .select(['status', 'body_text', 'last_error'])
      .where('recipient', '=', '(removed: the address was erased)')
      .execute();
    expect(emptied).toEqual([
      { status: 'dead', body_text: '', last_error: 'not sent: the address was erased' },
    ]);
    expect((await outboxTo('ada@example.org')).map((m) => m.status)).toEqual(['pending']);

    const stones = await tombstones();
    expect(stones).toEqual([
      {
        scope: 'contact',
        count: 1,
        rule: 'request',
        reason,
        removedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
        actorId: admin.userId,
      },
    ]);
    const log = JSON.stringify(
      await t.container.db.selectFrom('events').select('data_json').execute(),
    );
    expect(log).not.toContain('erin');
    const audit = await t.container.db
      .selectFrom('audit_log')
      .select(['actor_id', 'detail_json'])
      .where('action', '=', 'breach.contact_erased')
      .execute();
    expect(audit.map((a) => [a.actor_id, JSON.parse(a.detail_json)])).toEqual([
      [admin.userId, { count: 1, reason }],
    ]);
    expect((await call(admin, 'POST', url(), { email: ERIN, reason })).statusCode).toBe(404);

    // A fresh read of the record keeps the tombstone (how many lines, when and why), for those
    // with breach.read.
    const at = new Date(clock.now()).toISOString();
    for (const who of [legal, admin]) {
      const again = await call(who, 'GET', path);
      expect(again.statusCode).toBe(200);
      expect(again.json().details.contactRedactions).toEqual([
        { scope: 'contact', count: 1, rule: 'request', reason, at },
      ]);
    }
    const hidden = await call(responder, 'GET', path);
    expect(hidden.json().details).toBeNull();
    expect(hidden.body).not.toContain(reason);
  });

  it('the retention rule removes the rest of the list on time and leaves a tombstone', async () => {
    const days = t.container.policy.policy.breach.contactListRetentionDays;
    clock.advance(days * DAY - 60_000);
    expect(await t.container.services.breach.sweepContacts()).toBe(0);
    clock.advance(60_000);
    expect(await t.container.services.breach.sweepContacts()).toBe(2);
    expect((await call(legal, 'GET', `${path}/contacts`)).json().items).toEqual([]);
    expect((await tombstones()).at(-1)).toEqual({
      scope: 'list',
      count: 2,
      rule: 'retention',
      reason: `retention: ${days} days after the last notice`,
      removedHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      actorId: null,
    });
    const record = await call(legal, 'GET', path);
    expect(record.json().details.contactRedactions.map((r: { scope: string }) => r.scope)).toEqual([
      'contact',
      'list',
    ]);
    const retained = {
      scope: 'list',
      count: 2,
      rule: 'retention',
      reason: `retention: ${days} days after the last notice`,
      at: new Date(clock.now()).toISOString(),
    };
    expect(record.json().details.contactRedactions[1]).toEqual(retained);
    // Read back again, both tombstones keep their counts.
    const again = (await call(admin, 'GET', path)).json().details.contactRedactions;
    expect(again.map((r: { count: number }) => r.count)).toEqual([1, 2]);
    expect(again[1]).toEqual(retained);
    const run = await runStopline(t, ['verify']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('global sequence OK');
  });

  it('tombstones projected before their count was kept get it from their event', async () => {
    const before = (await call(legal, 'GET', path)).json().details.contactRedactions;
    expect(before.map((r: { count: number }) => r.count)).toEqual([1, 2]);
    const { db, dialect, config } = t.container;
    const earlier = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(LINES_MIGRATION) - 1]!;
    // Undone, the rows the projection wrote have no count any more (the column goes).
    await migrateDownTo(db, dialect, earlier, config.pgSchema);
    const rows = await projectedTombstones();
    expect(rows).toHaveLength(2);
    expect(rows.every((r) => !('lines' in r))).toBe(true);
    expect((await migrateToLatest(db, dialect, config.pgSchema)).applied).toContain(
      LINES_MIGRATION,
    );
    expect((await call(legal, 'GET', path)).json().details.contactRedactions).toEqual(before);
  });

  it('tombstones recorded before they were projected are projected by the migration', async () => {
    const MIGRATION = '2026-12-07-0190-breach-contact-tombstones';
    const before = (await call(legal, 'GET', path)).json().details.contactRedactions;
    expect(before).toHaveLength(2);
    const { db, dialect, config } = t.container;
    const earlier = MIGRATION_NAMES[MIGRATION_NAMES.indexOf(MIGRATION) - 1]!;
    await migrateDownTo(db, dialect, earlier, config.pgSchema);
    // The record cannot be read on a schema this old (the tombstones' count is missing): their
    // rows are looked at instead.
    expect(await projectedTombstones()).toEqual([]);
    const { applied } = await migrateToLatest(db, dialect, config.pgSchema);
    expect(applied).toEqual(expect.arrayContaining([MIGRATION, LINES_MIGRATION]));
    // Projected again, with their counts.
    expect((await call(legal, 'GET', path)).json().details.contactRedactions).toEqual(before);
  });
});
