// Recovery checks (issue 14, item 5; Kai 4.4) as a policy defines them: a custom policy asks for
// its own recovery steps and a monitoring window, each step recorded through the API with who and
// its evidence; leaving recovery is refused naming what is missing, and the window, counted from
// when monitoring was added on an injected clock, must pass before lessons learned. A policy
// that names no recovery checks moves on without them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock, HOUR } from '../../src/server/clock.ts';
import { loadPolicyFile, parsePolicy } from '../../src/server/domain/policy/index.ts';
import { loginAs } from '../helpers/auth.ts';
import { declareOwned } from '../helpers/incidents-context.ts';
import { BUNDLED_POLICY, SEV_EXAMPLE, withShortPhases } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const RECOVERY = `      - check: restoration_validated
      - check: monitoring_added
      - check: monitoring_window_passed
        window: 2h
`;

let t: TestApp;
type Person = { userId: string; headers: Record<string, string> };
let owner: Person;
let viewer: Person;

beforeAll(async () => {
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(policy, withShortPhases(RECOVERY));
  t = await createTestApp({
    env: { STOPLINE_POLICY: policy },
    clock: new FakeClock('2026-03-02T09:00:00Z'),
  });
  owner = await loginAs(t, 'responder');
  viewer = await loginAs(t, 'viewer');
});
afterAll(async () => t.close());

const post = (who: Person, url: string, payload: object) =>
  t.app.inject({ method: 'POST', url, headers: who.headers, payload });
const move = (key: string, phase: string) =>
  post(owner, `/api/v1/incidents/${key}/phase`, { phase });
const step = (who: Person, key: string, milestone: string, note: string) =>
  post(who, `/api/v1/incidents/${key}/milestones`, { milestone, note });

describe('recovery checks from the policy', () => {
  it('refuses to leave recovery naming each missing step, then waits out the monitoring window', async () => {
    const incident = await declareOwned(t, owner.userId, 'Database restored', 'P1');
    expect((await move(incident.key, 'recovery')).statusCode).toBe(200);

    const refused = await move(incident.key, 'lessons_learned');
    expect(refused.statusCode).toBe(422);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.json().failedChecks).toEqual([
      {
        code: 'restoration_validated',
        check: 'restoration_validated',
        phase: 'recovery',
        reason: 'Restoring the systems from clean backups has not been validated',
      },
      {
        code: 'monitoring_added',
        check: 'monitoring_added',
        phase: 'recovery',
        reason: 'No additional monitoring has been recorded',
      },
      {
        code: 'monitoring_window_passed',
        check: 'monitoring_window_passed',
        phase: 'recovery',
        reason:
          'The monitoring window (2h) has not started: no additional monitoring has been recorded',
      },
    ]);

    // A step without its evidence is refused with the field, and nothing is recorded.
    const bare = await step(owner, incident.key, 'restoration_validated', '   ');
    expect(bare.statusCode).toBe(400);
    expect(bare.json().errors).toEqual([
      { field: 'note', message: 'must say what shows it (the evidence)' },
    ]);
    // A viewer may not record one.
    expect((await step(viewer, incident.key, 'monitoring_added', 'x')).statusCode).toBe(403);

    expect(
      (await step(owner, incident.key, 'restoration_validated', 'Restored from the 02:00 backup'))
        .statusCode,
    ).toBe(200);
    t.clock.advance(HOUR / 2);
    expect(
      (await step(owner, incident.key, 'monitoring_added', 'Alert on replication lag > 5 s'))
        .statusCode,
    ).toBe(200);
    const addedAt = t.clock.now();

    // The incident shows who recorded each step, when, and the evidence.
    const detail = await t.app.inject({
      method: 'GET',
      url: `/api/v1/incidents/${incident.key}`,
      headers: viewer.headers,
    });
    expect(detail.json().steps).toEqual([
      {
        milestone: 'restoration_validated',
        note: 'Restored from the 02:00 backup',
        recordedBy: owner.userId,
        at: new Date(addedAt - HOUR / 2).toISOString(),
      },
      {
        milestone: 'monitoring_added',
        note: 'Alert on replication lag > 5 s',
        recordedBy: owner.userId,
        at: new Date(addedAt).toISOString(),
      },
    ]);
    expect(detail.json().exitChecksFailing).toEqual([
      expect.objectContaining({
        code: 'monitoring_window_passed',
        reason: `The monitoring window (2h) has not passed: monitoring was added ${new Date(addedAt).toISOString()} and it passes ${new Date(addedAt + 2 * HOUR).toISOString()}`,
      }),
    ]);

    t.clock.advance(2 * HOUR - 1);
    const early = await move(incident.key, 'lessons_learned');
    expect(early.statusCode).toBe(422);
    expect(early.json().failedChecks.map((c: { code: string }) => c.code)).toEqual([
      'monitoring_window_passed',
    ]);
    t.clock.advance(1);
    const moved = await move(incident.key, 'lessons_learned');
    expect(moved.statusCode, moved.body).toBe(200);
    expect(moved.json().phase).toBe('lessons_learned');
  });

  it('the policy page shows the checks and the window', async () => {
    const reader = await loginAs(t, 'viewer'); // hours passed: sessions end when idle
    const res = await t.app.inject({
      method: 'GET',
      url: '/api/v1/policy',
      headers: reader.headers,
    });
    expect(res.statusCode).toBe(200);
    const recovery = res.json().phases.find((p: { id: string }) => p.id === 'recovery') as {
      exitChecks: { check: string; window: { text: string } | null }[];
    };
    expect(recovery.exitChecks.map((c) => [c.check, c.window?.text ?? null])).toEqual([
      ['restoration_validated', null],
      ['monitoring_added', null],
      ['monitoring_window_passed', '2h'],
    ]);
  });
});

describe('a policy file', () => {
  it('refuses a monitoring window check without its window, and a window on another check', () => {
    const result = parsePolicy(
      withShortPhases(
        RECOVERY.replace('        window: 2h\n', '').replace(
          '      - check: monitoring_added\n',
          '      - check: monitoring_added\n        window: 1h\n',
        ),
      ),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.path, p.message])).toEqual([
      ['phases[2].exitChecks[1].window', 'only monitoring_window_passed takes a window'],
      ['phases[2].exitChecks[2].window', 'monitoring_window_passed needs a window such as "24h"'],
    ]);
  });

  it('the bundled policy asks for Kai 4.4 in recovery and 24 hours of monitoring; the example asks for none', () => {
    const bundled = loadPolicyFile(BUNDLED_POLICY).policy;
    const recovery = bundled.phases.find((p) => p.id === 'recovery')!;
    expect(recovery.exitChecks.map((c) => c.check)).toEqual([
      'containment_reverted_or_justified',
      'restoration_validated',
      'service_validated',
      'monitoring_added',
      'phased_return_recorded',
      'monitoring_window_passed',
    ]);
    expect(recovery.exitChecks.at(-1)!.window).toBe(24 * HOUR);
    const example = loadPolicyFile(SEV_EXAMPLE).policy;
    expect(
      example.phases.flatMap((p) => p.exitChecks).filter((c) => c.check.includes('monitoring')),
    ).toEqual([]);
  });
});
