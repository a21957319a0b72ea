// The reporter's side after the receipt: sign in with key + access code (wrong codes limited per
// address and per report and address, a right code always accepted, every attempt logged), a
// short-lived session, the view of what the reporter may see (reporter-visible events only), and
// replies with evidence.
import { MINUTE } from '../../clock.ts';
import { listStreamEvents, type StoredEvent } from '../../db/event-store.ts';
import { hitRateLimit, peekRateLimit, rateLimitKeyForAddress } from '../../db/rate-limit.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError, notFound } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { recordChange, type ReportsDeps } from './report-context.ts';
import type { Report } from './report-state.ts';
import { reporterKeyAdded, reporterReply } from './report-rules.ts';
import { openRemovalTask } from './removal-service.ts';
import {
  checkAttachmentLimits,
  checkIntakeRate,
  countIntake,
  storeFiles,
  type IncomingFile,
} from './intake-service.ts';
import {
  deletePortalSession,
  deleteExpiredPortalSessions,
  findPortalSession,
  findReportById,
  findReportByKey,
  insertPortalSession,
  listAttachments,
  logAccess,
} from './report-repository.ts';
import { hashSecret, newSecret, NEVER_MATCHES, secretMatches } from './portal-secrets.ts';

export const PORTAL_SESSION_TTL = 30 * MINUTE;
const SIGN_IN_WINDOW = 15 * MINUTE;
/**
 * Wrong access codes from one client address (an IPv6 /64), and for one report from one address,
 * in a 15-minute window; past either, wrong codes from there get 429. Codes are 256-bit random,
 * so these limits do not guard the secret; they tell a noisy client to stop, and they never stand
 * between a reporter and their report: a failure counts only against the address that made it,
 * and a right code always signs in.
 */
export const SIGN_IN_LIMITS = { failuresPerAddress: 20, failuresPerReportAndAddress: 5 } as const;

export interface PortalSession {
  token: string;
  expiresAt: number;
}

export interface PortalView {
  report: Report;
  events: StoredEvent[];
  evidence: { id: string; name: string; size: number; at: number }[];
}

const KEY_PATTERN = /^RPT-\d{4,}$/;

export function createPortal(deps: ReportsDeps) {
  const { db, clock } = deps;

  async function signInToPortal(input: {
    key: string;
    accessCode: string;
    ip: string;
  }): Promise<PortalSession> {
    const key = input.key.trim().toUpperCase();
    const now = clock.now();
    const address = rateLimitKeyForAddress(input.ip);
    const knownShape = KEY_PATTERN.test(key);
    const buckets = [
      { bucket: `portal-fail:${address}`, limit: SIGN_IN_LIMITS.failuresPerAddress },
      ...(knownShape
        ? [
            {
              bucket: `portal-fail:${key}:${address}`,
              limit: SIGN_IN_LIMITS.failuresPerReportAndAddress,
            },
          ]
        : []),
    ].map((b) => ({ ...b, windowMs: SIGN_IN_WINDOW, now }));
    const outcome = await inTransaction(db, async (tx) => {
      const report = knownShape ? await findReportByKey(tx, key) : undefined;
      const log = (action: string) =>
        logAccess(tx, {
          reportId: report?.id ?? null,
          reportKey: key.slice(0, 40),
          action,
          actorId: null,
          ip: input.ip,
          at: now,
        });
      // Hash and compare even for an unknown key, so a miss takes as long as a wrong code.
      const matches = secretMatches(input.accessCode, report?.accessCodeHash ?? NEVER_MATCHES);
      if (!report || !matches) {
        for (const b of buckets) {
          if ((await peekRateLimit(tx, b)) >= b.limit) {
            await log('portal_sign_in_rate_limited');
            return { ok: false as const, limited: true };
          }
        }
        for (const b of buckets) await hitRateLimit(tx, b);
        await log('portal_sign_in_failed');
        await deps.recordAudit?.(tx, {
          actor: { kind: 'anonymous', ip: input.ip },
          action: 'report.portal_sign_in_failed',
          target: { type: 'report', id: key.slice(0, 40) },
          at: now,
        });
        return { ok: false as const, limited: false };
      }
      const token = newSecret();
      await deleteExpiredPortalSessions(tx, now);
      await insertPortalSession(tx, {
        token_hash: hashSecret(token),
        report_id: report.id,
        created_at: now,
        expires_at: now + PORTAL_SESSION_TTL,
      });
      await log('portal_sign_in');
      return { ok: true as const, token };
    });
    if (outcome.ok) return { token: outcome.token, expiresAt: now + PORTAL_SESSION_TTL };
    if (outcome.limited) {
      throw new AppError(
        'RATE_LIMITED',
        'Too many wrong access codes from your network; wait 15 minutes and try again',
        { retryAfterSeconds: Math.ceil((SIGN_IN_WINDOW - (now % SIGN_IN_WINDOW)) / 1000) },
      );
    }
    throw new AppError('UNAUTHENTICATED', 'The report key or the access code is not right');
  }

  /** The report a portal session token belongs to, or undefined when it is unknown or expired. */
  async function findPortalReport(token: string): Promise<Report | undefined> {
    const session = await findPortalSession(db, hashSecret(token), clock.now());
    return session ? findReportById(db, session.report_id) : undefined;
  }

  async function signOutOfPortal(token: string): Promise<void> {
    await deletePortalSession(db, hashSecret(token));
  }

  async function getPortalView(reportId: string): Promise<PortalView> {
    const report = await findReportById(db, reportId);
    if (!report) throw notFound('Report');
    // Only what the reporter may see: never internal events, and only this report's stream.
    const events = await listStreamEvents(db, report.id, {
      visibility: ['reporter', 'public'],
      limit: 5000,
    });
    const evidence = (await listAttachments(db, report.id))
      .filter((a) => a.uploaded_by === 'reporter')
      .map((a) => ({ id: a.id, name: a.original_name, size: a.size, at: a.created_at }));
    return { report, events, evidence };
  }

  async function replyAsReporter(
    reportId: string,
    input: { body: string; files: IncomingFile[]; ip: string },
  ): Promise<void> {
    const hasText = input.body.trim().length > 0;
    if (!hasText && input.files.length === 0) {
      throw new AppError('VALIDATION', 'Write a message or attach a file', {
        errors: [{ field: 'body', message: 'Write a message or attach a file' }],
      });
    }
    if (input.body.length > 100_000) {
      throw new AppError('VALIDATION', 'The message is too long', {
        errors: [{ field: 'body', message: 'must be at most 100000 characters' }],
      });
    }
    checkAttachmentLimits(deps, input.files);
    await checkIntakeRate(deps, input.ip);
    const now = clock.now();
    const messageId = hasText ? newId() : null;
    const stored = await storeFiles(deps, reportId, input.files);
    try {
      await inTransaction(db, async (tx) => {
        await countIntake(tx, deps, input.ip, now);
        const report = await findReportById(tx, reportId);
        if (!report) throw notFound('Report');
        const events = reporterReply(messageId, input.body, stored.attachments, stored.files);
        await recordChange(tx, deps, report, events, null, now);
      });
    } catch (error) {
      await stored.discard();
      throw error;
    }
  }

  /**
   * The reporter gives their OpenPGP public key: kept for the report's e-mail address (mail
   * subject) and recorded on the report, so what we mail them is encrypted to it. A key that is
   * not a usable public key for that address (a private one above all) is a field error on
   * `pgpKey`, and nothing is kept.
   */
  async function giveReporterKey(
    reportId: string,
    armoredKey: string,
  ): Promise<{ fingerprint: string; already: boolean }> {
    const refuse = (message: string) =>
      new AppError('VALIDATION', message, { errors: [{ field: 'pgpKey', message }] });
    if (!armoredKey.trim()) throw refuse('Paste your OpenPGP public key');
    if (armoredKey.length > 100_000)
      throw refuse('The key is too long (at most 100000 characters)');
    return inTransaction(db, async (tx) => {
      const report = await findReportById(tx, reportId);
      if (!report) throw notFound('Report');
      if (!report.contactEmail)
        throw refuse('Your report has no e-mail address, so we send you no e-mail to encrypt');
      const now = clock.now();
      const kept = await deps.mail.keepPortalKey(tx, report.contactEmail, armoredKey, now);
      if ('problem' in kept) throw refuse(kept.problem);
      if (!kept.already)
        await recordChange(tx, deps, report, reporterKeyAdded(kept.fingerprint), null, now);
      return kept;
    });
  }

  /** The reporter tells us where the issue was posted publicly: a removal task opens first. */
  async function reportPublicCopy(reportId: string, url: string): Promise<void> {
    await inTransaction(db, async (tx) => {
      const report = await findReportById(tx, reportId);
      if (!report) throw notFound('Report');
      await openRemovalTask(tx, deps, report, clock.now(), url, {
        role: 'reporter',
        actorId: null,
      });
    });
  }

  return {
    signInToPortal,
    findPortalReport,
    signOutOfPortal,
    getPortalView,
    replyAsReporter,
    reportPublicCopy,
    giveReporterKey,
  };
}
