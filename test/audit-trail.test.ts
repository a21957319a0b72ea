// The audit trail: written in the same transaction as the change it records, listed and
// filtered by those allowed, exported as CSV or JSON by admins, and hash-chained so that
// `stopline verify` names the first edited or removed entry.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { verifyAuditLog } from '../src/server/db/verify-chain.ts';
import { systemActor } from '../src/server/domain/actor.ts';
import { recordAudit, recordPersonalDataRead } from '../src/server/domain/accounts/index.ts';
import { createUser, loginAs } from './helpers/auth.ts';
import { runCli } from './helpers/cli-process.ts';
import { createTestApp, type TestApp } from './helpers/test-app.ts';

let t: TestApp;
let admin: { userId: string; headers: Record<string, string> };
beforeAll(async () => {
  t = await createTestApp();
  admin = await loginAs(t, 'admin');
});
afterAll(async () => t.close());

const get = (url: string, headers = admin.headers) => t.app.inject({ method: 'GET', url, headers });

describe('audit trail', () => {
  it('lists entries newest first and filters by action, actor and target', async () => {
    const person = await createUser(t, { roles: ['viewer'], email: 'filtered@example.org' });
    const all = await get('/api/v1/audit');
    expect(all.statusCode).toBe(200);
    const seqs = all.json().map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));

    const created = await get(`/api/v1/audit?action=user.created&targetId=${person.id}`);
    expect(created.json()).toHaveLength(1);
    expect(created.json()[0]).toMatchObject({
      action: 'user.created',
      actor: { kind: 'system', id: null },
      target: { type: 'user', id: person.id },
      detail: { email: 'filtered@example.org', roles: ['viewer'] },
    });
    const mine = await get(`/api/v1/audit?actorId=${admin.userId}&action=session.signed_in`);
    expect(mine.json()).toHaveLength(1);
    expect(mine.json()[0].actor).toMatchObject({ ip: '127.0.0.1', userAgent: 'lightMyRequest' });
    const page = await get(`/api/v1/audit?limit=2&beforeSeq=${seqs[0]}`);
    expect(page.json().map((e: { seq: number }) => e.seq)).toEqual([seqs[1], seqs[2]]);
    const bad = await get('/api/v1/audit?from=yesterday&limit=0');
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['querystring.from', 'querystring.limit']);
  });

  it('is exported by admins only, as JSON or spreadsheet-safe CSV', async () => {
    await createUser(t, { roles: ['viewer'], displayName: 'x', email: 'csv@example.org' });
    await t.container.db.transaction().execute((tx) =>
      recordAudit(tx, {
        actor: systemActor,
        action: 'test.formula',
        at: t.clock.now(),
        detail: { note: 'x' },
        target: { type: 'note', id: '=HYPERLINK("http://evil")' },
      }),
    );
    const json = await get('/api/v1/audit/export?format=json');
    expect(json.statusCode).toBe(200);
    expect(json.headers['content-disposition']).toContain('stopline-audit.json');
    const entries = JSON.parse(json.body);
    expect(entries[0].seq).toBe(1);
    const csv = await get('/api/v1/audit/export?format=csv&action=test.formula');
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toBe(
      'seq,id,at,actor_kind,actor_id,ip,user_agent,action,target_type,target_id,detail,hash',
    );
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil"")"`);

    const lead = await loginAs(t, 'security_lead');
    expect((await get('/api/v1/audit', lead.headers)).statusCode).toBe(200);
    expect((await get('/api/v1/audit/export', lead.headers)).statusCode).toBe(403);
    const responder = await loginAs(t, 'responder');
    expect((await get('/api/v1/audit', responder.headers)).statusCode).toBe(403);
    expect((await get('/api/v1/audit/verify', responder.headers)).statusCode).toBe(403);
    expect((await get('/api/v1/audit/verify', lead.headers)).statusCode).toBe(200);
    const exports = await get('/api/v1/audit?action=audit.exported');
    expect(exports.json()).toHaveLength(2);
  });

  it('commits or rolls back with the change it records; personal-data reads are recorded', async () => {
    const before = await t.container.db.selectFrom('audit_log').select('seq').execute();
    await expect(
      t.container.db.transaction().execute(async (tx) => {
        await recordAudit(tx, {
          actor: systemActor,
          action: 'test.rolled_back',
          at: t.clock.now(),
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    expect(await t.container.db.selectFrom('audit_log').select('seq').execute()).toHaveLength(
      before.length,
    );
    const lead = await loginAs(t, 'security_lead');
    const actor = {
      kind: 'user' as const,
      userId: lead.userId,
      roles: ['security_lead'],
      permissions: new Set<never>(),
    };
    await t.container.db.transaction().execute((tx) =>
      recordPersonalDataRead(tx, {
        actor,
        at: t.clock.now(),
        subject: { type: 'report', id: 'RPT-0001' },
        fields: ['reporterEmail'],
      }),
    );
    const read = await get('/api/v1/audit?action=personal_data.read');
    expect(read.json()[0]).toMatchObject({
      target: { type: 'report', id: 'RPT-0001' },
      detail: { fields: ['reporterEmail'] },
    });
  });

  it('`stopline verify` passes on an intact trail and exits 1 naming an entry edited with SQL', async () => {
    const intact = await runCli(['verify'], t.database.env);
    expect(intact.stderr).toBe('');
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/audit trail OK: \d+ entries/);
    // The console asks the API the same question.
    const fine = await get('/api/v1/audit/verify');
    expect(fine.statusCode).toBe(200);
    expect(fine.json()).toMatchObject({ intact: true, broken: null });
    expect(fine.json().entries).toBeGreaterThan(0);

    const victim = await t.container.db
      .selectFrom('audit_log')
      .select(['seq', 'id'])
      .where('action', '=', 'session.signed_in')
      .orderBy('seq')
      .executeTakeFirstOrThrow();
    await sql`update audit_log set ip = '10.9.9.9' where id = ${victim.id}`.execute(t.container.db);
    const broken = await runCli(['verify'], t.database.env);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toContain(`audit trail, entry #${victim.seq} (id ${victim.id})`);
    expect(broken.stderr).toContain('edited');
    const api = (await get('/api/v1/audit/verify')).json();
    expect(api).toMatchObject({
      intact: false,
      broken: { seq: Number(victim.seq), entryId: victim.id },
    });
    expect(api.broken.reason).toContain('edited');
  });

  it('`stopline verify` notices the newest entry removed', async () => {
    const fresh = await createTestApp();
    try {
      await createUser(fresh, { roles: ['viewer'] });
      expect((await runCli(['verify'], fresh.database.env)).code).toBe(0);
      const last = await fresh.container.db
        .selectFrom('audit_log')
        .select('seq')
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow();
      await sql`delete from audit_log where seq = ${last.seq}`.execute(fresh.container.db);
      const res = await runCli(['verify'], fresh.database.env);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain('entries removed');
    } finally {
      await fresh.close();
    }
  });
});

describe('audit trail under concurrent writers', () => {
  it('keeps one unbroken chain when many transactions append at once', async () => {
    const fresh = await createTestApp();
    try {
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          fresh.container.db
            .transaction()
            .execute((tx) =>
              recordAudit(tx, { actor: systemActor, action: `test.parallel.${i}`, at: i }),
            ),
        ),
      );
      const result = await verifyAuditLog(fresh.container.db);
      expect(result).toEqual({ entries: 20, broken: null });
    } finally {
      await fresh.close();
    }
  });
});
