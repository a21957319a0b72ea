// Retention and redaction (issue 19, item 5): housekeeping redacts a closed report's contact
// details and attachments the policy's days after close, not a day before; a report an open
// incident handles keeps its data; an admin erases one field on request with a reason (audited;
// others get 403, unknown reports and attachments 404). Redacted data is gone from the detail,
// the queue, search, the file store and the attachment's download, the report keeps a tombstone
// event, and `stopline verify` (every chain and the global sequence) still passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { expectVerifies, reportTombstones } from '../helpers/redactions.ts';
import { createTestApp, storedFile as readStored, type TestApp } from '../helpers/test-app.ts';

const clock = new FakeClock('2026-12-05T09:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const EMAIL = 'erase-me@example.org';
const PHONE = '+44 20 7946 0958';
let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let lead: Headers;

beforeAll(async () => {
  t = await createTestApp({ clock });
  admin = (await createTokenFor(t, 'admin')).headers;
  lead = (await createTokenFor(t, 'security_lead')).headers;
});
afterAll(async () => t.close());

async function call(headers: Headers, method: 'GET' | 'POST', url: string, payload?: object) {
  return t.app.inject({ method, url, headers, ...(payload ? { payload } : {}) });
}

/** A report with contact details and one attachment, through the public API. */
async function submit(summary: string, bytes: Buffer): Promise<string> {
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/reports',
    payload: {
      summary,
      description: 'The admin export leaks every customer record.',
      contact: { name: 'Erin Eraser', email: EMAIL, phone: PHONE },
      attachments: [{ name: 'proof.txt', contentBase64: bytes.toString('base64') }],
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().key as string;
}

async function detail(key: string) {
  const res = await call(lead, 'GET', `/api/v1/reports/${key}`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as {
    attachments: { id: string; sha256: string; redactedAt: string | null; downloadUrl: string }[];
    redactions: Record<string, unknown>[];
  };
}

async function contact(key: string) {
  const res = await call(lead, 'GET', `/api/v1/reports/${key}/contact`);
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as Record<string, string | null>;
}

async function fileOf(sha256: string): Promise<Buffer | null> {
  const row = await t.container.db
    .selectFrom('report_attachments')
    .select('stored_path')
    .where('sha256', '=', sha256)
    .executeTakeFirstOrThrow();
  return readStored(t, row.stored_path).catch(() => null);
}

const tombstones = (key: string) => reportTombstones(t, key);
const verifies = () => expectVerifies(t);

describe('retention', () => {
  it('redacts a closed report on time and not before, keeps a tombstone, and verify still passes', async () => {
    const { reporterContactDays, attachmentDays } = t.container.policy.policy.retention;
    expect(reporterContactDays).toBe(180);
    expect(attachmentDays).toBe(180);
    const bytes = Buffer.from('secret proof of the leak\n');
    const closed = await submit('Closed and expiring', bytes);
    const handled = await submit('Handled by an open incident', Buffer.from('kept proof\n'));
    const open = await call(lead, 'POST', `/api/v1/reports/${handled}/open-incident`);
    expect(open.statusCode, open.body).toBe(201);
    const close = await call(lead, 'POST', `/api/v1/reports/${closed}/close`, {
      resolution: 'not_vulnerability',
      reason: 'Works as designed',
    });
    expect(close.statusCode, close.body).toBe(204);
    const closedAt = clock.now();
    const [attachment] = (await detail(closed)).attachments;
    expect(await fileOf(attachment!.sha256)).toEqual(bytes);

    // A millisecond before the days are up: nothing is redacted.
    clock.set(closedAt + 180 * DAY - 1);
    const early = await t.container.services.reports.sweepRetention();
    expect(early).toEqual({ contacts: 0, attachments: 0, files: 0 });
    expect((await contact(closed)).email).toBe(EMAIL);

    // On the day: contact details and the file go, the report keeps its tombstones.
    clock.set(closedAt + 180 * DAY);
    const swept = await t.container.services.reports.sweepRetention();
    expect(swept).toEqual({ contacts: 1, attachments: 1, files: 1 });
    expect(await contact(closed)).toEqual({ name: null, email: null, phone: null, pgpKey: null });
    const after = (await detail(closed)).attachments[0]!;
    expect(after.redactedAt).toBe(new Date(clock.now()).toISOString());
    expect((await detail(closed)).redactions).toEqual([
      {
        field: 'contact',
        attachmentId: null,
        rule: 'retention',
        reason: 'retention: 180 days after close',
        at: after.redactedAt,
      },
      {
        field: 'attachment',
        attachmentId: after.id,
        rule: 'retention',
        reason: 'retention: 180 days after close',
        at: after.redactedAt,
      },
    ]);
    expect(await fileOf(after.sha256)).toBeNull();
    const download = await call(lead, 'GET', after.downloadUrl);
    expect(download.statusCode).toBe(404);
    const stones = await tombstones(closed);
    expect(stones.map((s) => [s.field, s.rule])).toEqual([
      ['contact', 'retention'],
      ['attachment', 'retention'],
    ]);
    expect(stones[0]!.removedHash).toMatch(/^[0-9a-f]{64}$/);
    // Nothing of what went is in the log, the rows, or a search.
    const everything = JSON.stringify(
      await t.container.db.selectFrom('events').select('data_json').execute(),
    );
    expect(everything).not.toContain(EMAIL);
    const search = await call(lead, 'GET', `/api/v1/reports?q=${encodeURIComponent(EMAIL)}`);
    expect(search.json().reports).toEqual([]);
    const audit = await t.container.db
      .selectFrom('audit_log')
      .select('detail_json')
      .where('action', '=', 'report.redacted')
      .execute();
    expect(audit.map((a) => JSON.parse(a.detail_json).rule)).toEqual(['retention']);

    // A second round finds nothing left; the report an open incident handles keeps its data.
    expect(await t.container.services.reports.sweepRetention()).toEqual({
      contacts: 0,
      attachments: 0,
      files: 0,
    });
    clock.set(closedAt + 5000 * DAY);
    await t.container.services.reports.sweepRetention();
    expect((await contact(handled)).email).toBe(EMAIL);
    expect((await detail(handled)).attachments[0]!.redactedAt).toBeNull();

    await verifies();
  });
});

describe('erasure on request', () => {
  it('an admin erases one field with a reason, audited; others get 403; unknown ids 404', async () => {
    const key = await submit('Erase on request', Buffer.from('<script>alert(1)</script>'));
    const [attachment] = (await detail(key)).attachments;
    const url = `/api/v1/reports/${key}/erasures`;
    const reason = 'GDPR request from the reporter, ticket 4711';

    const refused = await call(lead, 'POST', url, { field: 'contact', reason });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().detail).toContain('data.erase');
    expect((await contact(key)).email).toBe(EMAIL);

    expect((await call(admin, 'POST', url, { field: 'contact' })).statusCode).toBe(400);
    // A reason of spaces: a 400 naming the field, in words the console shows.
    const blank = await call(admin, 'POST', url, { field: 'contact', reason: ' ' });
    expect(blank.statusCode).toBe(400);
    expect(blank.json().errors).toEqual([{ field: 'reason', message: 'is required: say why' }]);
    expect((await call(admin, 'POST', url, { field: 'name', reason })).statusCode).toBe(400);
    expect(
      (await call(admin, 'POST', url, { field: 'contact', reason: 'x'.repeat(2001) })).statusCode,
    ).toBe(400);
    expect(
      (
        await call(admin, 'POST', '/api/v1/reports/RPT-99999/erasures', {
          field: 'contact',
          reason,
        })
      ).statusCode,
    ).toBe(404);
    const foreign = await call(admin, 'POST', url, {
      field: 'attachment',
      attachmentId: '00000000-0000-4000-8000-000000000000',
      reason,
    });
    expect(foreign.statusCode).toBe(404);

    const erased = await call(admin, 'POST', url, { field: 'contact', reason });
    expect(erased.statusCode, erased.body).toBe(201);
    expect(erased.json()).toMatchObject({ key, field: 'contact', attachmentId: null });
    expect(await contact(key)).toEqual({ name: null, email: null, phone: null, pgpKey: null });
    expect((await call(admin, 'POST', url, { field: 'contact', reason })).statusCode).toBe(409);

    const file = await call(admin, 'POST', url, {
      field: 'attachment',
      attachmentId: attachment!.id,
      reason,
    });
    expect(file.statusCode, file.body).toBe(201);
    expect(await fileOf(attachment!.sha256)).toBeNull();
    expect((await detail(key)).attachments[0]!.redactedAt).not.toBeNull();

    // The report's detail lists its tombstones: what went, by which rule, why and when.
    expect((await detail(key)).redactions).toEqual([
      { field: 'contact', attachmentId: null, rule: 'request', reason, at: erased.json().at },
      {
        field: 'attachment',
        attachmentId: attachment!.id,
        rule: 'request',
        reason,
        at: file.json().at,
      },
    ]);
    const stones = await tombstones(key);
    expect(stones.map((s) => [s.field, s.rule, s.reason])).toEqual([
      ['contact', 'request', reason],
      ['attachment', 'request', reason],
    ]);
    const audit = await t.container.db
      .selectFrom('audit_log')
      .select(['detail_json', 'actor_id', 'target_id'])
      .where('action', '=', 'report.redacted')
      .where('target_id', '=', key)
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => JSON.parse(a.detail_json))).toEqual([
      { field: 'contact', reason },
      { field: 'attachment', attachmentId: attachment!.id, reason },
    ]);
    expect(audit.every((a) => a.actor_id !== null)).toBe(true);
    await verifies();
  });
});
