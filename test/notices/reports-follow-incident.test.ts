// Reports follow their incident (Kundo steps 7 and 14): when the incident reaches the phase the
// policy calls resolved, or closes, its open linked reports are marked fixed, the reporter's
// portal says so, and each reporter is e-mailed; under the verification rule an unverified
// reporter's e-mail says only that there is news. Delivered through a real SMTP server.
import { afterEach, describe, expect, it } from 'vitest';
import { createUser } from '../helpers/auth.ts';
import { smtpWorkerFor, startSmtpReceiver, type SmtpReceiver } from '../helpers/delivery.ts';
import { admin, incidentInput } from '../helpers/incidents-context.ts';
import { reportFromAddress, signIn } from '../helpers/reports.ts';
import { gatelessPolicyFile } from '../helpers/gateless-policy.ts';
import { createTestApp, type TestApp } from '../helpers/test-app.ts';

let t: TestApp;
let smtp: SmtpReceiver;

async function start(follow: string) {
  t = await createTestApp({
    env: {
      STOPLINE_POLICY: gatelessPolicyFile(
        `{ description: Tell them., acknowledgeWithin: 1d, followIncident: ${follow} }`,
      ),
    },
  });
  smtp = await startSmtpReceiver();
}
afterEach(async () => {
  await smtp.stop();
  await t.close();
});

const report = (summary: string, email: string) => reportFromAddress(t, summary, email);

async function reporterMail(): Promise<string[]> {
  const worker = smtpWorkerFor(t, smtp);
  await worker.deliverDue(t.clock.now());
  await worker.close();
  return smtp.received
    .filter((m) => m.to && 'text' in m.to && m.to.text.endsWith('@reporter.test'))
    .map((m) => `${m.to && 'text' in m.to ? m.to.text : ''}: ${m.subject ?? ''}`)
    .sort();
}

describe('reports follow their incident', () => {
  it('resolving the incident marks its open reports fixed and tells each reporter, as the verification rule allows', async () => {
    await start('resolved');
    const lead = await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    const actor = { ...admin(lead.id), roles: ['security_lead'] };
    const verified = await report('Token in referrer', 'vera@reporter.test');
    const unverified = await report('Token in referrer, again', 'uma@reporter.test');
    const handled = await report('Token in referrer, third', 'hal@reporter.test');
    const reports = t.container.services.reports;
    await reports.recordIdentityVerification(actor, verified.key, {
      method: 'call_back_public_number',
    });
    const incidents = t.container.services.incidents;
    let incident = await incidents.openIncident(
      actor,
      incidentInput({
        title: 'Reset tokens leak',
        reportIds: [verified.key, unverified.key, handled.key],
      }),
    );
    // Staff marked one fixed by hand already: its reporter is not told twice.
    await reports.recordMilestone(actor, handled.key, 'fixed');
    await reporterMail();
    smtp.received.length = 0;

    // Fixing is not yet the policy's resolved phase: nothing moves.
    incident = await incidents.movePhase(actor, incident.key, undefined, 'fixing');
    expect((await reports.getReport(actor, verified.key)).report.status).toBe('investigating');
    incident = await incidents.movePhase(actor, incident.key, undefined, 'review');
    expect((await reports.getReport(actor, verified.key)).report.status).toBe('resolved');
    expect((await reports.getReport(actor, unverified.key)).report.status).toBe('resolved');

    expect(await reporterMail()).toEqual([
      `uma@reporter.test: News about your security report (${unverified.key})`,
      `vera@reporter.test: The issue you reported is fixed (${verified.key})`,
    ]);
    const news = smtp.received.find((m) => m.subject?.startsWith('News'))!;
    expect(news.text).not.toMatch(/fixed/i);
    // The reporter's portal says it is resolved.
    const portal = await signIn(t.app, verified.key, verified.accessCode);
    const page = await portal.page();
    expect(page).toContain('Resolved');
    // Nothing of the incident reaches the reporter: not its key, not its title.
    const fixed = smtp.received.find((m) => m.subject?.startsWith('The issue'))!;
    for (const seen of [page, `${fixed.subject} ${fixed.text} ${fixed.html || ''}`]) {
      expect(seen).not.toContain(incident.key);
      expect(seen).not.toContain('Reset tokens leak');
    }

    // Closing later tells nobody twice.
    await incidents.movePhase(actor, incident.key, undefined, 'done');
    expect(await reporterMail()).toHaveLength(2);
  });

  it('with followIncident: closed the reports wait for the close; with never, for staff', async () => {
    await start('closed');
    const lead = await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    const actor = { ...admin(lead.id), roles: ['security_lead'] };
    const filed = await report('Open redirect', 'ora@reporter.test');
    const incidents = t.container.services.incidents;
    const incident = await incidents.openIncident(
      actor,
      incidentInput({ title: 'Open redirect', reportIds: [filed.key] }),
    );
    await incidents.movePhase(actor, incident.key, undefined, 'fixing');
    await incidents.movePhase(actor, incident.key, undefined, 'review');
    const reports = t.container.services.reports;
    expect((await reports.getReport(actor, filed.key)).report.status).toBe('investigating');
    await incidents.movePhase(actor, incident.key, undefined, 'done');
    expect((await reports.getReport(actor, filed.key)).report.status).toBe('resolved');
    await t.close();
    await smtp.stop();

    await start('never');
    const again = await createUser(t, { roles: ['security_lead'], email: 'lead@example.org' });
    const second = { ...admin(again.id), roles: ['security_lead'] };
    const kept = await report('Open redirect', 'ora@reporter.test');
    const other = await t.container.services.incidents.openIncident(
      second,
      incidentInput({ title: 'Open redirect', reportIds: [kept.key] }),
    );
    for (const phase of ['fixing', 'review', 'done']) {
      await t.container.services.incidents.movePhase(second, other.key, undefined, phase);
    }
    expect((await t.container.services.reports.getReport(second, kept.key)).report.status).toBe(
      'investigating',
    );
  });
});
