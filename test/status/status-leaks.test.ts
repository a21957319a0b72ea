// What must never reach the public side of the status page (issue 13, item 2 and "Done when"):
// the internal incident a public incident is linked to (a restricted one above all), a draft
// waiting for a second person's approval (four-eyes), and an exercise. Checked on every public
// path: the page with its 90-day bars (the day's incident names as text and their worst status),
// the incident's own page, the history by month, the Atom and RSS feeds, and every /api/v2 JSON.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenFor } from '../helpers/auth.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { EMERGENCY } from '../helpers/reproduce.ts';
import { succeeding } from '../helpers/status.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
type Headers = Record<string, string>;
let admin: Headers;
let writer: Headers;
let lead: Headers;
const call = succeeding(() => t);

const PUBLIC_PATHS = [
  '/status',
  '/status/history.atom',
  '/status/history.rss',
  '/api/v2/summary.json',
  '/api/v2/status.json',
  '/api/v2/components.json',
  '/api/v2/incidents.json',
  '/api/v2/incidents/unresolved.json',
  '/api/v2/scheduled-maintenances.json',
  '/api/v2/scheduled-maintenances/upcoming.json',
  '/api/v2/scheduled-maintenances/active.json',
];

/** Every public path (and the month's history, and the incidents' own pages), each answer. */
async function everyPublicAnswer(incidentIds: string[]): Promise<Map<string, string>> {
  const month = new Date(t.clock.now()).toISOString().slice(0, 7);
  const urls = [
    ...PUBLIC_PATHS,
    `/status/history?month=${month}`,
    ...incidentIds.map((id) => `/status/incidents/${id}`),
  ];
  const answers = new Map<string, string>();
  for (const url of urls) {
    const res = await t.app.inject({ url });
    expect(res.statusCode, url).toBe(200);
    answers.set(url, res.body);
  }
  return answers;
}

function expectNowhere(answers: Map<string, string>, secrets: string[]) {
  for (const [url, body] of answers) {
    for (const secret of secrets) expect(body, `${secret} on ${url}`).not.toContain(secret);
  }
}

beforeAll(async () => {
  // Four-eyes for critical impact: a critical text is only a draft until another approves it.
  const policy = writeEditedPolicy(
    '      severities: []\n      impacts: []',
    '      severities: []\n      impacts: [critical]',
  );
  t = await createTestApp({ env: { STOPLINE_POLICY: policy } });
  t.clock.set('2026-12-09T10:00:00Z');
  admin = (await createTokenFor(t, 'admin')).headers;
  writer = (await createTokenFor(t, 'comms')).headers;
  lead = (await createTokenFor(t, 'security_lead')).headers;
});
afterAll(async () => t.close());

describe('nothing internal, drafted or exercised on the public side', () => {
  it('a restricted linked incident, an unapproved draft and an exercise appear on no public path', async () => {
    const api = (await call('POST', '/api/v1/status/components', admin, { name: 'API' })).id;
    const web = (await call('POST', '/api/v1/status/components', admin, { name: 'Web app' })).id;

    // 1. A restricted internal incident, linked from a public incident the public may read.
    const secretTitle = 'Insider exfiltrates the payroll export RESTRICTED-7Q';
    const restricted = await call('POST', '/api/v1/incidents', admin, {
      title: secretTitle,
      summary: 'RESTRICTED-SUMMARY-7Q',
      severity: 'P1',
      severityOverride: EMERGENCY,
      restricted: true,
    });
    const linked = await call('POST', '/api/v1/status/incidents', admin, {
      name: 'Payroll exports delayed',
      impact: 'minor',
      body: 'Payroll exports are delayed.',
      components: [{ componentId: api, status: 'degraded_performance' }],
      internalIncident: restricted.key,
    });

    // 2. Drafts waiting for approval: a new critical incident, and a critical update on the
    //    linked one that would take the web app down.
    const newDraft = await call('POST', '/api/v1/status/drafts', writer, {
      name: 'DRAFT-INCIDENT-NAME-3K',
      impact: 'critical',
      body: 'DRAFT-INCIDENT-BODY-3K',
      components: [{ componentId: web, status: 'major_outage' }],
    });
    const updateDraft = await call('POST', '/api/v1/status/drafts', writer, {
      publicIncidentId: linked.id,
      status: 'identified',
      impact: 'critical',
      body: 'DRAFT-UPDATE-BODY-3K',
      components: [{ componentId: web, status: 'major_outage' }],
    });
    expect([newDraft.stage, updateDraft.stage]).toEqual(['pending', 'pending']);

    // 3. An exercise: no public incident may speak for it.
    const exercise = await call('POST', '/api/v1/incidents', lead, {
      title: 'EXERCISE-TITLE-5M ransomware on the build farm',
      summary: 'EXERCISE-SUMMARY-5M',
      severity: 'P1',
      severityOverride: EMERGENCY,
      exercise: { kind: 'tabletop', scenario: 'EXERCISE-SCENARIO-5M' },
    });
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/v1/status/incidents',
      headers: admin,
      payload: {
        name: 'EXERCISE-PUBLIC-NAME-5M',
        impact: 'minor',
        body: 'EXERCISE-PUBLIC-BODY-5M',
        components: [{ componentId: web, status: 'partial_outage' }],
        internalIncident: exercise.key,
      },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().rule).toBe('exercise');
    const relink = await t.app.inject({
      method: 'PATCH',
      url: `/api/v1/status/incidents/${linked.id}`,
      headers: admin,
      payload: { internalIncident: exercise.key },
    });
    expect(relink.statusCode).toBe(422);

    // Resolved the next day: the day's bar and the history have the public incident by name.
    t.clock.advance(86_400_000);
    await call('POST', `/api/v1/status/incidents/${linked.id}/updates`, admin, {
      status: 'resolved',
      body: 'Payroll exports run again.',
    });

    const answers = await everyPublicAnswer([linked.id]);
    // The public incident itself is there, on the bars and in the history...
    const page = answers.get('/status')!;
    const day = new Date(t.clock.now() - 86_400_000).toISOString().slice(0, 10);
    expect(page).toContain(`${day}: Degraded performance. Payroll exports delayed`);
    const month = `/status/history?month=${day.slice(0, 7)}`;
    expect(answers.get(month)).toContain('Payroll exports delayed');
    expect(answers.get('/status/history.atom')).toContain('Payroll exports delayed');
    expect(answers.get('/api/v2/incidents.json')).toContain('Payroll exports delayed');
    // ...and nothing of what is behind it, drafted for it, or exercised.
    expectNowhere(answers, [
      restricted.key,
      restricted.id,
      secretTitle,
      'RESTRICTED-SUMMARY-7Q',
      'RESTRICTED-7Q',
      'DRAFT-INCIDENT-NAME-3K',
      'DRAFT-INCIDENT-BODY-3K',
      'DRAFT-UPDATE-BODY-3K',
      newDraft.id,
      updateDraft.id,
      exercise.key,
      exercise.id,
      'EXERCISE-',
    ]);
    // No draft and no exercise moved a component: the web app was never worse than operational,
    // and the linked incident never reached critical.
    expect(page).not.toMatch(/major_outage|partial_outage/);
    const webBar = /aria-label="Web app: the last 90 days"[\s\S]*?<\/ol>/.exec(page)![0];
    expect(webBar.match(/class="day day-[a-z_]+"/g)).toHaveLength(90);
    expect(webBar).not.toMatch(/class="day day-(?!operational")/);
    const components = JSON.parse(answers.get('/api/v2/components.json')!) as {
      components: { id: string; status: string }[];
    };
    expect(components.components.find((c) => c.id === web)?.status).toBe('operational');
    const incidents = JSON.parse(answers.get('/api/v2/incidents.json')!) as {
      incidents: { id: string; impact: string }[];
    };
    expect(incidents.incidents.map((i) => [i.id, i.impact])).toEqual([[linked.id, 'minor']]);
  });
});
