// The reporter's side of coordinated disclosure (issue 16, items 1, 2 and 6): the reporter of a
// linked report sees the vulnerability in the portal (status, disclosure date with the time left,
// the draft when shared), proposes a date or accepts the team's (and the team accepts theirs),
// each side recorded with who and when; a date past the policy's maximum is refused naming the
// field; chooses their credit (named, anonymous); reviews the advisory, and with the policy's
// reporterReview the scheduler waits for the approval. The reporter is e-mailed (real SMTP) at
// each step the team takes. Another reporter sees nothing, and script in every text is inert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/server/clock.ts';
import { ReportFields } from '../../src/shared/api/reports.ts';
import { admin } from '../helpers/incidents-context.ts';
import { createUser, loginAs } from '../helpers/auth.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { writeEditedPolicy } from '../helpers/policies.ts';
import { formEncoded, signIn, type PortalVisit } from '../helpers/reports.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

type Who = { userId: string; headers: Record<string, string> };
let t: TestApp;
let smtp: SmtpReceiver;
let lead: Who, responder: Who;

const DAY = 24 * 60 * 60 * 1000;
const url = '/api/v1/vulnerabilities';
const clock = new FakeClock('2026-12-04T09:00:00Z');
const SCRIPT = '<script>alert(1)</script>';
const IMG = '<img src=x onerror=alert(2)>';
const call = (who: Who, method: 'GET' | 'POST', path: string, payload?: object) =>
  t.app.inject({ method, url: path, headers: who.headers, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  t = await createTestApp({
    clock,
    env: {
      STOPLINE_POLICY: writeEditedPolicy('  reporterReview: false\n', '  reporterReview: true\n'),
    },
  });
  smtp = await startSmtpReceiver();
  [lead, responder] = await Promise.all([loginAs(t, 'security_lead'), loginAs(t, 'responder')]);
});
afterAll(async () => {
  await smtp.stop();
  await t.close();
});

async function report(summary: string, email: string) {
  return t.container.services.reports.submitReport(
    ReportFields.parse({
      summary,
      description: 'What I saw.',
      contact: { email },
      creditConsent: true,
      creditName: 'Vera Researcher',
    }),
    [],
    { ip: '127.0.0.1' },
  );
}

/** The subjects of the mail delivered to this reporter since the last look. */
async function mailTo(address: string): Promise<string[]> {
  const worker = smtpWorkerFor(t, smtp);
  await worker.deliverDue(t.clock.now());
  await worker.close();
  const subjects = smtp.received
    .filter((m) => m.to && 'text' in m.to && m.to.text === address)
    .map((m) => m.subject ?? '');
  smtp.received.length = 0;
  return subjects;
}

async function post(visit: PortalVisit, path: string, fields: Record<string, string>) {
  const form = formEncoded({ csrf: await visit.csrf(), ...fields });
  return t.app.inject({
    method: 'POST',
    url: path,
    payload: form.payload,
    headers: { ...form.headers, cookie: visit.cookie },
  });
}

const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);

describe('the reporter’s side of the disclosure', () => {
  it('agrees the date, chooses credit and reviews the advisory in the portal; publication waits for the approval', async () => {
    const filed = await report('Reset link leaks', 'vera@reporter.test');
    const other = await report('Something else', 'otto@reporter.test');
    const staff = await createUser(t, { roles: ['security_lead'], email: 'sl@example.org' });
    await t.container.services.reports.recordIdentityVerification(
      { ...admin(staff.id), roles: ['security_lead'] },
      filed.key,
      { method: 'call_back_public_number' },
    );
    const made = await call(responder, 'POST', url, {
      title: `Token leak ${SCRIPT}`,
      reports: [filed.key],
      advisory: `Upgrade now. ${SCRIPT} ${IMG} [x](javascript:alert(3))`,
    });
    expect(made.statusCode, made.body).toBe(201);
    const key = made.json().key as string;
    await call(responder, 'POST', `${url}/${key}/status`, { to: 'accepted', reason: 'Reproduced' });
    await mailTo('vera@reporter.test');

    const vera = await signIn(t.app, filed.key, filed.accessCode);
    const otto = await signIn(t.app, other.key, other.accessCode);
    let page = await vera.page();
    expect(page).toContain(`${key}: Token leak &lt;script&gt;alert(1)&lt;/script&gt;`);
    expect(page).not.toContain(SCRIPT);
    expect(page).toContain('No disclosure date is agreed yet.');
    expect(page).toContain('You are credited as <strong class="credit-name">Vera Researcher');
    // The draft is not the reporter's to read before the team shares it.
    expect(page).not.toContain('Upgrade now.');

    // Another reporter sees nothing of it and can do nothing to it.
    expect(await otto.page()).not.toContain(key);
    for (const action of ['date', 'date/accept', 'credit', 'review']) {
      const res = await post(otto, `/portal/vulnerabilities/${key}/${action}`, {
        disclosureAt: local(clock.now() + 10 * DAY),
        credit: 'none',
        verdict: 'approved',
      });
      expect(res.statusCode, action).toBe(404);
    }

    // A date past the policy's 90 days is refused naming the field; nothing is recorded.
    const late = await post(vera, `/portal/vulnerabilities/${key}/date`, {
      disclosureAt: local(clock.now() + 91 * DAY),
    });
    expect(late.statusCode).toBe(422);
    expect(late.body).toContain(`href="#f-${key}-disclosureAt"`);
    expect(late.body).toContain('must be no later than 2027-03-04T09:00:00.000Z');
    expect(late.body).toMatch(/id="f-[^"]+-disclosureAt"[\s\S]*?aria-invalid="true"/);
    expect((await call(lead, 'GET', `${url}/${key}`)).json().dateProposal).toBeNull();

    // The reporter proposes; the team accepts: both recorded with who and when.
    const proposedAt = clock.now();
    const wanted = clock.now() + 30 * DAY;
    const proposed = await post(vera, `/portal/vulnerabilities/${key}/date`, {
      disclosureAt: local(wanted),
    });
    expect(proposed.statusCode, proposed.body.slice(0, 500)).toBe(303);
    clock.advance(60_000);
    const accepted = await call(lead, 'POST', `${url}/${key}/embargo/accept`);
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({
      status: 'embargoed',
      disclosureAt: new Date(wanted).toISOString(),
      dateProposal: null,
      dateSteps: [
        {
          kind: 'proposed',
          by: 'reporter',
          reportKey: filed.key,
          actorId: null,
          at: new Date(proposedAt).toISOString(),
        },
        { kind: 'accepted', by: 'team', reportKey: null, actorId: lead.userId },
      ],
    });
    expect(await mailTo('vera@reporter.test')).toEqual([
      `The disclosure date is agreed (${filed.key})`,
    ]);
    // Nothing to accept twice.
    expect((await call(lead, 'POST', `${url}/${key}/embargo/accept`)).statusCode).toBe(422);
    page = await vera.page();
    expect(page).toContain('29 days 23 hours left');

    // The team proposes an earlier date; the reporter is told and accepts it in the portal.
    const earlier = clock.now() + 20 * DAY;
    const teamProposal = await call(lead, 'POST', `${url}/${key}/embargo/proposal`, {
      disclosureAt: new Date(earlier).toISOString(),
    });
    expect(teamProposal.statusCode, teamProposal.body).toBe(200);
    expect(await mailTo('vera@reporter.test')).toEqual([
      `A disclosure date is proposed for the issue you reported (${filed.key})`,
    ]);
    expect(await vera.page()).toContain('Proposed by our security team');
    const agreed = await post(vera, `/portal/vulnerabilities/${key}/date/accept`, {});
    expect(agreed.statusCode).toBe(303);
    const afterAgreement = (await call(lead, 'GET', `${url}/${key}`)).json();
    expect(afterAgreement.disclosureAt).toBe(new Date(earlier).toISOString());
    expect(afterAgreement.dateSteps.at(-1)).toMatchObject({
      kind: 'accepted',
      by: 'reporter',
      reportKey: filed.key,
    });
    // Moving the agreed date is a decision of its own; the first agreement stays on the record.
    expect(afterAgreement.decisions.at(-2).reason).toBe(
      `Proposed by the reporter (${filed.key}), accepted by the team`,
    );
    expect(afterAgreement.decisions.at(-1)).toMatchObject({
      from: 'embargoed',
      to: 'embargoed',
      decidedBy: null,
      reason: `Disclosure date moved from ${new Date(wanted).toISOString()} to ${new Date(earlier).toISOString()}: Proposed by the team, accepted by the reporter (${filed.key})`,
    });

    // Credit: a hostile name stays text; then anonymous, which the advisory honours.
    const named = await post(vera, `/portal/vulnerabilities/${key}/credit`, {
      credit: 'named',
      creditName: IMG,
    });
    expect(named.statusCode).toBe(303);
    page = await vera.page();
    expect(page).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(page).not.toContain(IMG);
    await post(vera, `/portal/vulnerabilities/${key}/credit`, { credit: 'anonymous' });
    expect(await vera.page()).toContain('You are credited as Anonymous.');
    expect((await call(lead, 'GET', `${url}/${key}`)).json().reporterCredits).toMatchObject([
      { reportKey: filed.key, consent: true, name: null },
    ]);

    // At the date, without the reporter's review, nothing is published.
    clock.set(earlier + 1000);
    // Twenty days on, the staff sign in again (sessions end); the reporter's portal visit too.
    [lead, responder] = await Promise.all([loginAs(t, 'security_lead'), loginAs(t, 'responder')]);
    const vera2 = await signIn(t.app, filed.key, filed.accessCode);
    expect(await t.container.services.disclosure.releaseDueEmbargoes(clock.now())).toBe(0);
    expect((await t.app.inject({ method: 'GET', url: `/advisories/${key}` })).statusCode).toBe(404);

    // The team shares the draft; the reporter is told and reads it, script inert.
    const shared = await call(lead, 'POST', `${url}/${key}/review`);
    expect(shared.statusCode, shared.body).toBe(200);
    expect(await mailTo('vera@reporter.test')).toEqual([
      `The advisory is ready for your review (${filed.key})`,
    ]);
    page = await vera2.page();
    expect(page).toContain('Advisory draft for your review');
    expect(page).toContain('Upgrade now.');
    expect(page).not.toContain(SCRIPT);
    expect(page).not.toContain('<img src');
    expect(page).not.toContain('href="javascript:');

    // Comments need words; with them they are recorded, and publication still waits.
    const empty = await post(vera2, `/portal/vulnerabilities/${key}/review`, {
      verdict: 'comments',
      comments: ' ',
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.body).toContain(`href="#f-${key}-comments"`);
    const commented = await post(vera2, `/portal/vulnerabilities/${key}/review`, {
      verdict: 'comments',
      comments: `Please credit the tool too ${SCRIPT}`,
    });
    expect(commented.statusCode).toBe(303);
    expect(await vera2.page()).toContain('Please credit the tool too &lt;script&gt;');
    expect(await t.container.services.disclosure.releaseDueEmbargoes(clock.now())).toBe(0);
    const withComments = (await call(lead, 'GET', `${url}/${key}`)).json();
    expect(withComments.review).toMatchObject({
      approved: false,
      answers: [{ reportKey: filed.key, verdict: 'comments' }],
    });

    // Approved: the scheduler publishes, once, and the reporter is told.
    await post(vera2, `/portal/vulnerabilities/${key}/review`, { verdict: 'approved' });
    expect((await call(lead, 'GET', `${url}/${key}`)).json().review.approved).toBe(true);
    expect(await t.container.services.disclosure.releaseDueEmbargoes(clock.now())).toBe(1);
    expect(await t.container.services.disclosure.releaseDueEmbargoes(clock.now())).toBe(0);
    expect(await mailTo('vera@reporter.test')).toEqual([
      `The advisory is published (${filed.key})`,
    ]);
    const advisory = await t.app.inject({ method: 'GET', url: `/advisories/${key}` });
    expect(advisory.statusCode).toBe(200);
    expect(advisory.body).toContain('Anonymous');
    expect(advisory.body).not.toContain('Vera Researcher');
    page = await vera2.page();
    expect(page).toContain(`href="/advisories/${key}"`);
    expect(page).toContain('its credits are final');
    // Credit is frozen once published.
    const tooLate = await post(vera2, `/portal/vulnerabilities/${key}/credit`, { credit: 'none' });
    expect(tooLate.statusCode).toBe(422);
    expect(await mailTo('otto@reporter.test')).toEqual([]);
  });

  it('a reporter proposing before the vulnerability is accepted is refused naming the date', async () => {
    const filed = await report('Early bird', 'early@reporter.test');
    const made = await call(responder, 'POST', url, { title: 'Early', reports: [filed.key] });
    const key = made.json().key as string;
    const visit = await signIn(t.app, filed.key, filed.accessCode);
    // While in triage there is no date form, and a post is refused with the field named.
    expect(await visit.page()).not.toContain(`action="/portal/vulnerabilities/${key}/date"`);
    const res = await post(visit, `/portal/vulnerabilities/${key}/date`, {
      disclosureAt: 'not a date',
    });
    expect(res.statusCode).toBe(422);
    expect(res.body).toContain('Enter a date and time');
    // Only disclosure.publish proposes or accepts for the team.
    expect((await call(responder, 'POST', `${url}/${key}/embargo/accept`)).statusCode).toBe(403);
    expect(
      (
        await call(responder, 'POST', `${url}/${key}/embargo/proposal`, {
          disclosureAt: new Date(clock.now() + DAY).toISOString(),
        })
      ).statusCode,
    ).toBe(403);
    expect((await call(responder, 'POST', `${url}/${key}/review`)).statusCode).toBe(403);
  });
});
