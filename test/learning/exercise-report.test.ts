// An exercise ends with a report (issue 14, item 7): its objectives (entered at declaration, or
// listed under the scenario's "Objectives" heading) each judged met or not with a note, the
// follow-ups its post-mortem raised, the durations measured from its record and who took part.
// The Markdown is parsed (raw HTML allowed, as a careless renderer would) and the PDF's text
// extracted; the exercise does not close until the report is completed (the default policy), and
// a custom policy may let it. Restricted exercises stay restricted. On SQLite and PostgreSQL.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { createUser, signIn } from '../helpers/auth.ts';
import { withShortPhases } from '../helpers/policies.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

const MOVES = ['containment', 'recovery', 'lessons_learned'];

type Person = { userId: string; headers: Record<string, string> };
const HOSTILE = 'Tell the press <script>alert(1)</script> <img src=x onerror=alert(2)>';
const careless = new MarkdownIt({ html: true });

async function pdfText(body: Buffer): Promise<string> {
  const parser = new PDFParse({ data: body });
  try {
    return (await parser.getText()).text.replace(/\s+/g, ' ');
  } finally {
    await parser.destroy();
  }
}

async function appWith(edit: (policy: string) => string = (p) => p): Promise<TestApp> {
  const text = edit(withShortPhases());
  const policy = join(mkdtempSync(join(tmpdir(), 'stopline-policy-')), 'policy.yaml');
  writeFileSync(policy, text);
  return createTestApp({
    env: { STOPLINE_POLICY: policy },
    clock: new FakeClock('2026-03-02T09:00:00Z'),
  });
}

async function person(t: TestApp, role: string, displayName: string): Promise<Person> {
  const user = await createUser(t, { roles: [role], displayName });
  return { userId: user.id, headers: await signIn(t, user.email, user.password) };
}

const call = (
  t: TestApp,
  who: Person,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  payload?: object,
) => t.app.inject({ method, url, headers: who.headers, ...(payload ? { payload } : {}) });
const report = (k: string) => `/api/v1/incidents/${k}/exercise-report`;

describe('an exercise report', () => {
  let t: TestApp;
  let lead: Person;
  let player: Person;
  let viewer: Person;
  let outsider: Person;

  beforeAll(async () => {
    t = await appWith();
    lead = await person(t, 'security_lead', 'Lars Lead');
    player = await person(t, 'responder', 'Pia Player');
    viewer = await person(t, 'viewer', 'Vic Viewer');
    outsider = await person(t, 'responder', 'Otto Outsider');
  });
  afterAll(() => t?.close());

  async function declare(who: Person, payload: object) {
    const res = await call(t, who, 'POST', '/api/v1/incidents', payload);
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { key: string; id: string };
  }

  async function moveToLessons(key: string) {
    for (const phase of MOVES) {
      const moved = await call(t, lead, 'POST', `/api/v1/incidents/${key}/phase`, { phase });
      expect(moved.statusCode, moved.body).toBe(200);
      t.clock.advance(60_000);
    }
  }

  it('judges the objectives, lists follow-ups, durations and participants, and gates closing', async () => {
    const exercise = await declare(lead, {
      title: 'Ransomware on the build farm',
      exercise: {
        kind: 'tabletop',
        scenario: 'The build farm encrypts itself at 09:00.',
        objectives: ['Page the on-call within 15 minutes', HOSTILE],
      },
      participantIds: [player.userId],
    });

    // Before anyone writes it: the declaration's objectives, none judged, version 0.
    const fresh = await call(t, viewer, 'GET', report(exercise.key));
    expect(fresh.statusCode).toBe(200);
    const body = fresh.json();
    expect(body.incident).toMatchObject({ exercise: true, kind: 'tabletop' });
    expect(body.version).toBe(0);
    expect(body.requiredToClose).toBe(true);
    expect(body.participants.sort()).toEqual([lead.userId, player.userId].sort());
    expect(body.objectives.map((o: { text: string; met: null }) => [o.text, o.met])).toEqual([
      ['Page the on-call within 15 minutes', null],
      [HOSTILE, null],
    ]);

    // A viewer may read it but not judge it.
    const [o1, o2] = body.objectives as { id: string }[];
    const refusedViewer = await call(
      t,
      viewer,
      'PUT',
      `${report(exercise.key)}/objectives/${o1!.id}`,
      {
        met: true,
      },
    );
    expect(refusedViewer.statusCode).toBe(403);

    await moveToLessons(exercise.key);

    // Closing before the report is completed is refused, saying why.
    const early = await call(t, lead, 'POST', `/api/v1/incidents/${exercise.key}/phase`, {
      phase: 'closed',
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().failedChecks).toContainEqual(
      expect.objectContaining({
        code: 'exercise_report_completed',
        reason: expect.stringMatching(
          /EXERCISE: the exercise report the policy requires is not completed/,
        ),
      }),
    );

    // A follow-up raised in its post-mortem appears in the report.
    expect(
      (await call(t, player, 'POST', `/api/v1/incidents/${exercise.key}/postmortem`)).statusCode,
    ).toBe(201);
    const follow = await call(
      t,
      player,
      'POST',
      `/api/v1/incidents/${exercise.key}/postmortem/follow-ups`,
      {
        title: 'Write the on-call runbook',
        ownerId: player.userId,
        dueAt: '2026-04-01T09:00:00Z',
        priority: 'high',
        type: 'process',
      },
    );
    expect(follow.statusCode).toBe(201);

    const judged1 = await call(t, player, 'PUT', `${report(exercise.key)}/objectives/${o1!.id}`, {
      met: true,
      note: 'Paged in 6 minutes',
    });
    expect(judged1.statusCode, judged1.body).toBe(200);
    expect(judged1.json().version).toBe(2);

    // Completing with an objective not judged: 422 naming it.
    const partial = await call(t, player, 'POST', `${report(exercise.key)}/complete`, {});
    expect(partial.statusCode).toBe(422);
    expect(partial.json().errors).toEqual([
      { field: `objectives.${o2!.id}`, message: 'not judged met or not met' },
    ]);

    // A stale version is a conflict; an unknown objective a 404.
    const stale = await call(t, player, 'PUT', `${report(exercise.key)}/objectives/${o2!.id}`, {
      met: false,
      expectedVersion: 1,
    });
    expect(stale.statusCode).toBe(409);
    const unknown = await call(t, player, 'PUT', `${report(exercise.key)}/objectives/o99`, {
      met: false,
    });
    expect(unknown.statusCode).toBe(404);

    await call(t, player, 'PUT', `${report(exercise.key)}/objectives/${o2!.id}`, {
      met: false,
      note: `Nobody knew who speaks to the press ${HOSTILE}`,
    });
    const added = await call(t, player, 'POST', `${report(exercise.key)}/objectives`, {
      text: 'Restore one builder from backup',
    });
    expect(added.json().objectives).toHaveLength(3);
    await call(t, player, 'PUT', `${report(exercise.key)}/objectives/o3`, { met: true });
    const done = await call(t, player, 'POST', `${report(exercise.key)}/complete`, {
      summary: 'Paging works; **press** duties are unclear.',
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ status: 'completed', completedBy: player.userId });

    // Completed: no more changes until reopened.
    const late = await call(t, player, 'PUT', `${report(exercise.key)}/objectives/o3`, {
      met: false,
    });
    expect(late.statusCode).toBe(422);

    // The Markdown says EXERCISE, judges each objective and keeps hostile text as text.
    const md = await call(t, viewer, 'GET', `${report(exercise.key)}/report.md`);
    expect(md.statusCode).toBe(200);
    expect(md.headers['content-type']).toMatch(/^text\/markdown/);
    expect(md.headers['content-disposition']).toContain(`${exercise.key}-EXERCISE-report.md`);
    const html = careless.render(md.body);
    expect(html).not.toMatch(/<script|<img/);
    const doc = new DOMParserLike(html);
    expect(doc.text).toContain(`EXERCISE report: ${exercise.key} Ransomware on the build farm`);
    expect(doc.text).toContain('this is a tabletop exercise, not a real incident');
    expect(doc.text).toContain('Objectives (2 of 3 met)');
    expect(doc.text).toContain('Met: Page the on-call within 15 minutes: Paged in 6 minutes');
    expect(doc.text).toContain('Not met: Tell the press <script>alert(1)</script>');
    expect(doc.text).toContain('Lars Lead');
    expect(doc.text).toContain('Pia Player');
    expect(doc.text).toContain('Write the on-call runbook');
    expect(doc.text).toContain('Time to contain');
    expect(doc.text).toContain('Completed by Pia Player');

    // The PDF holds the same words.
    const pdf = await call(t, viewer, 'GET', `${report(exercise.key)}/report.pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const words = await pdfText(pdf.rawPayload);
    expect(words).toContain('EXERCISE report');
    expect(words).toContain('Not met: Tell the press <script>alert(1)</script>');
    expect(words).toContain('Write the on-call runbook');

    // Now it closes.
    const closed = await call(t, lead, 'POST', `/api/v1/incidents/${exercise.key}/phase`, {
      phase: 'closed',
    });
    expect(closed.statusCode, closed.body).toBe(200);
  });

  it('takes the objectives from the scenario, and stays with a restricted exercise', async () => {
    const exercise = await declare(player, {
      title: 'Quiet red team',
      restricted: true,
      exercise: {
        kind: 'red_team',
        scenario:
          'Phish the finance team.\n\n## Objectives\n\n- Detect the phish\n1. Contain the laptop\n\n## Notes\n\n- not an objective',
      },
    });
    const seen = await call(t, player, 'GET', report(exercise.key));
    expect(seen.json().objectives.map((o: { text: string }) => o.text)).toEqual([
      'Detect the phish',
      'Contain the laptop',
    ]);
    // Someone outside a restricted exercise finds nothing, in JSON or as a file.
    expect((await call(t, outsider, 'GET', report(exercise.key))).statusCode).toBe(404);
    expect((await call(t, outsider, 'GET', `${report(exercise.key)}/report.md`)).statusCode).toBe(
      404,
    );
    expect(
      (await call(t, outsider, 'PUT', `${report(exercise.key)}/objectives/o1`, { met: true }))
        .statusCode,
    ).toBe(404);
  });

  it('is not there for a real incident', async () => {
    const real = await declare(lead, { title: 'A real one' });
    const res = await call(t, lead, 'GET', report(real.key));
    expect(res.statusCode).toBe(404);
    expect(res.json().detail).toMatch(/is not an exercise/);
    // And a real incident closes without one.
    await moveToLessons(real.key);
    const closed = await call(t, lead, 'POST', `/api/v1/incidents/${real.key}/phase`, {
      phase: 'closed',
    });
    expect(closed.statusCode, closed.body).toBe(200);
  });
});

describe('a policy that does not require the report', () => {
  let t: TestApp;
  afterAll(() => t?.close());

  it('lets an exercise close without it', async () => {
    // The bundled policy's learning section, told not to require it.
    t = await appWith((p) =>
      p.replace(/\nlearning:\n/, '\nlearning:\n  exercises:\n    reportRequiredToClose: false\n'),
    );
    const lead = await person(t, 'security_lead', 'Lars Lead');
    const declared = await call(t, lead, 'POST', '/api/v1/incidents', {
      title: 'Drill',
      exercise: { kind: 'drill', scenario: 'Pull the plug.' },
    });
    const key = declared.json().key as string;
    expect((await call(t, lead, 'GET', report(key))).json().requiredToClose).toBe(false);
    for (const phase of [...MOVES, 'closed']) {
      const moved = await call(t, lead, 'POST', `/api/v1/incidents/${key}/phase`, { phase });
      expect(moved.statusCode, moved.body).toBe(200);
    }
  });
});

/** The text of rendered HTML, entities decoded, tags dropped (what a reader sees). */
class DOMParserLike {
  readonly text: string;
  constructor(html: string) {
    this.text = html
      .replace(/<[^>]+>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ');
  }
}
