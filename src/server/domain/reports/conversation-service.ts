// The conversation with a reporter and who they are: internal notes apart from messages to the
// reporter, the policy's rule that results wait for identity verification, and access-code
// rotation once the reporter has been verified.
import type { IdentityVerificationInput, StaffMessageInput } from '../../../shared/api/reports.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import { notifyReporter, recordChange, staffUseCase, type ReportsDeps } from './report-context.ts';
import { deletePortalSessionsOf, listMessages, logAccess } from './report-repository.ts';
import * as rules from './report-rules.ts';
import { hashSecret, newSecret } from './portal-secrets.ts';

export function createConversation(deps: ReportsDeps) {
  const useCase = staffUseCase(deps);

  function listConversation(actor: Actor, key: string) {
    return useCase(actor, 'reports.read', key, (tx, report) => listMessages(tx, report.id));
  }

  function addStaffMessage(actor: Actor, key: string, input: StaffMessageInput) {
    return useCase(actor, 'reports.communicate', key, async (tx, report, now) => {
      const id = newId();
      const toReporter = input.kind === 'to_reporter';
      const messageType = toReporter ? input.messageType : null;
      const events = rules.staffMessage(report, deps.policy(), id, input);
      await recordChange(tx, deps, report, events, actor.userId, now);
      // A reporter who gave an e-mail address (or wrote by e-mail) is answered by e-mail, from
      // the report's reply address, threaded on their mail (and encrypted to their key when one
      // is kept); without e-mail intake, or when the policy keeps the text to the portal, they
      // hear there is news.
      const threading =
        toReporter && report.contactEmail
          ? await deps.mail.threadingFor(
              tx,
              { id: report.id, contactEmail: report.contactEmail },
              `report-message:${id}`,
              now,
            )
          : null;
      if (threading && report.contactEmail) {
        await deps.notices.mailReporterMessage(tx, {
          address: report.contactEmail,
          reportKey: report.key,
          reportSummary: report.summary,
          body: input.body,
          threading,
          idempotencyKey: `report-message:${id}`,
          at: now,
        });
      } else if (toReporter) {
        await notifyReporter(
          tx,
          deps,
          report,
          {
            subject: 'New message about your security report',
            line: 'Our security team has written to you about your report.',
            idempotencyKey: `report-message:${id}`,
          },
          now,
        );
      }
      return {
        id,
        kind: input.kind,
        messageType,
        body: input.body,
        authorId: actor.userId,
        createdAt: now,
      };
    });
  }

  function recordIdentityVerification(actor: Actor, key: string, input: IdentityVerificationInput) {
    return useCase(actor, 'reports.verify_identity', key, async (tx, report, now) => {
      const id = newId();
      await recordChange(tx, deps, report, rules.verifyIdentity(id, input), actor.userId, now);
      return {
        id,
        method: input.method,
        note: input.note ?? null,
        verifiedBy: actor.userId,
        verifiedAt: now,
      };
    });
  }

  /** A new access code, shown once to staff to pass on; old sessions end. */
  function rotateAccessCode(actor: Actor, key: string) {
    return useCase(actor, 'reports.manage_access', key, async (tx, report, now) => {
      const accessCode = newSecret();
      const events = rules.rotateAccessCode(report, hashSecret(accessCode));
      await deletePortalSessionsOf(tx, report.id);
      await recordChange(tx, deps, report, events, actor.userId, now);
      await logAccess(tx, {
        reportId: report.id,
        reportKey: report.key,
        action: 'access_code_rotated',
        actorId: actor.userId,
        ip: actor.ip ?? null,
        at: now,
      });
      return { accessCode };
    });
  }

  return { listConversation, addStaffMessage, recordIdentityVerification, rotateAccessCode };
}
