// The breach register (issue 15, item 6): every breach, notified or not, exported as JSON and CSV
// for the authority, with the decisions and their reasons; only for breach.read; hostile text
// in the record leaves the CSV inert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createTokenFor } from '../helpers/auth.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let legal: Who, responder: Who, viewer: Who;
let notifiedKey = '';
let notNotifiedKey = '';

const call = (who: Who, method: 'GET' | 'POST', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });

const clock = new FakeClock('2026-12-04T11:00:00Z');

async function breachOn(title: string, facts: object): Promise<string> {
  const created = await call(responder, 'POST', '/api/v1/incidents', { title });
  const key = created.json().key as string;
  expect((await call(legal, 'POST', `/api/v1/incidents/${key}/breach`, facts)).statusCode).toBe(
    201,
  );
  return key;
}

async function determine(
  key: string,
  kind: string,
  value: boolean,
  rationale: string,
  at?: string,
) {
  const res = await call(legal, 'POST', `/api/v1/incidents/${key}/breach/determinations`, {
    kind,
    value,
    rationale,
    ...(at ? { at } : {}),
  });
  expect(res.statusCode).toBe(201);
}

beforeAll(async () => {
  t = await createTestApp({ clock });
  [legal, responder, viewer] = await Promise.all([
    createTokenFor(t, 'legal'),
    createTokenFor(t, 'responder'),
    createTokenFor(t, 'viewer'),
  ]);
  notifiedKey = await breachOn('Laptop with customer list stolen', {
    status: 'confirmed',
    awareHow: '=HYPERLINK("http://evil.example","click")',
    nature: ['confidentiality'],
    dataCategories: [{ name: 'names' }, { name: 'health', special: true }],
    people: { count: 40, estimate: false },
    riskLikelihood: 'likely',
    riskSeverity: 'high',
  });
  await determine(notifiedKey, 'became_aware', true, 'Police report', '2026-12-04T10:00:00Z');
  await determine(notifiedKey, 'personal_data_involved', true, 'Unencrypted customer list');
  const submitted = await call(
    legal,
    'POST',
    `/api/v1/incidents/${notifiedKey}/breach/submissions`,
    {
      regimeId: 'gdpr',
      stageId: 'authority',
      part: 'initial',
      submittedAt: '2026-12-04T11:00:00Z',
      recipient: 'Authority portal',
      reference: 'CASE-1',
      copy: { text: 'We report a stolen laptop...' },
    },
  );
  expect(submitted.statusCode).toBe(201);
  notNotifiedKey = await breachOn('Backup tape misplaced, found sealed', { status: 'suspected' });
  await determine(notNotifiedKey, 'became_aware', true, 'Courier called');
  await determine(
    notNotifiedKey,
    'personal_data_involved',
    false,
    'The tape is encrypted; the key never left the vault',
  );
});
afterAll(async () => {
  await t.close();
});

describe('the breach register', () => {
  it('lists every breach as JSON, notified or not, with the decisions and their reasons', async () => {
    const res = await call(legal, 'GET', '/api/v1/breaches/register');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toContain('stopline-breach-register.json');
    const { breaches } = res.json();
    expect(breaches.map((b: { incidentKey: string }) => b.incidentKey)).toEqual([
      notifiedKey,
      notNotifiedKey,
    ]);
    expect(breaches[0]).toMatchObject({
      status: 'confirmed',
      awareAt: '2026-12-04T10:00:00.000Z',
      riskLevel: 'high',
      people: { count: 40, estimate: false },
      regimes: [
        {
          regimeId: 'gdpr',
          applies: true,
          reason: 'Unencrypted customer list',
          stages: [
            expect.objectContaining({
              stageId: 'authority',
              dueAt: '2026-12-07T10:00:00.000Z',
              submittedAt: '2026-12-04T11:00:00.000Z',
              reference: 'CASE-1',
              late: false,
              copySha256: expect.stringMatching(/^[0-9a-f]{64}$/),
            }),
            expect.objectContaining({ stageId: 'individuals', submittedAt: null }),
          ],
        },
      ],
    });
    expect(breaches[1].regimes[0]).toMatchObject({
      regimeId: 'gdpr',
      applies: false,
      reason: 'The tape is encrypted; the key never left the vault',
    });
  });

  it('exports CSV with one line per breach, formulas made inert', async () => {
    const res = await call(legal, 'GET', '/api/v1/breaches/register?format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/csv');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^incident,breach_id,status,opened_at,/);
    expect(lines[1]).toContain(`${notifiedKey},`);
    // The attacker-chosen text starts with a quote, so a spreadsheet shows it as text.
    expect(lines[1]).toContain(`"'=HYPERLINK(""http://evil.example"",""click"")"`);
    expect(lines[1]).toContain('gdpr: authority submitted 2026-12-04T11:00:00.000Z ref CASE-1');
    expect(lines[1]).toContain(',names; health,yes,40,no,');
    expect(lines[2]).toContain(
      'gdpr: not notifiable (The tape is encrypted; the key never left the vault)',
    );
  });

  it('is only for the legal role and admins', async () => {
    for (const who of [responder, viewer]) {
      const res = await call(who, 'GET', '/api/v1/breaches/register?format=csv');
      expect(res.statusCode).toBe(403);
    }
  });
});
