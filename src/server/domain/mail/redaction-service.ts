// Retention of inbound e-mail (issue 19, item 5): a message as received (its raw bytes, and with
// them every body and attachment it carried) and its sender's details on the row are redacted the
// policy's `retention.mailDays` after the close of the report it belongs to (never while that
// report, or the incident handling it, is open), or after receipt when it became no report. The
// stream keeps a tombstone (`mail.redacted`), so the chain and the global sequence still verify.
import { listStreamEvents } from '../../db/event-store.ts';
import type { FileStore } from '../../db/file-store.ts';
import { removeRedactedFiles } from '../../db/redactions.ts';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { systemActor } from '../actor.ts';
import type { AuditRecord } from '../audit/index.ts';
import type { RecordedMailEvent } from './message-events.ts';
import { appendToMessage } from './message-projection.ts';
import { listMailHoldingPersonalData } from './message-repository.ts';
import { applyMailEvent, type InboundMessage } from './message-state.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** What mail retention needs of the reports subject: since when a report counts as closed. */
export interface MailRetentionReports {
  /** The close of the report (or of the incident handling it); null while either is open. */
  retentionStartOf(reportId: string): Promise<number | null>;
}

export interface MailRedactionDeps {
  db: Db;
  clock: Clock;
  files: Pick<FileStore, 'remove'>;
  /** The policy's retention.mailDays, read at each round (the policy can change). */
  mailDays: () => number;
  reports: MailRetentionReports;
  /** HMAC-SHA256 under the server key of what was removed (see reports' redactionHash). */
  redactionHash: (removed: unknown) => string;
  recordAudit: (tx: Executor, entry: AuditRecord) => Promise<void>;
}

/** A message's state, reduced from its stream (the personal data stays on the row). */
async function loadMessage(tx: Executor, id: string): Promise<InboundMessage | null> {
  let state: InboundMessage | null = null;
  for (const e of await listStreamEvents(tx, id, { limit: 10_000 }))
    state = applyMailEvent(state, e as unknown as RecordedMailEvent, id);
  return state;
}

export function createMailRedaction(deps: MailRedactionDeps) {
  const { db, clock } = deps;

  /** Housekeeping: every message past `mailDays` is redacted, one per transaction, audited. */
  async function sweepMailRetention(): Promise<{ messages: number; files: number }> {
    const now = clock.now();
    const days = deps.mailDays();
    let messages = 0;
    for (const m of await listMailHoldingPersonalData(db)) {
      const since = m.reportId ? await deps.reports.retentionStartOf(m.reportId) : m.receivedAt;
      if (since === null || now - since < days * DAY_MS) continue;
      await inTransaction(db, async (tx) => {
        const state = await loadMessage(tx, m.id);
        if (!state || state.redactedAt !== null) return;
        const removed = {
          sha256: m.sha256,
          fromAddress: m.fromAddress,
          subject: m.subject,
          envelopeFrom: m.envelopeFrom,
          envelopeTo: m.envelopeTo,
          remoteAddress: m.remoteAddress,
          helo: m.helo,
        };
        const reason = `retention: ${days} days after ${m.reportId ? 'close' : 'receipt'}`;
        await appendToMessage(
          tx,
          m.id,
          state,
          [
            {
              type: 'mail.redacted',
              data: { rule: 'retention', reason, removedHash: deps.redactionHash(removed) },
              personal: { fileKey: m.rawPath },
            },
          ],
          now,
        );
        await deps.recordAudit(tx, {
          actor: systemActor,
          action: 'mail.redacted',
          target: { type: 'inbound_mail', id: m.id },
          at: now,
          detail: { rule: 'retention', reason },
        });
        messages++;
      });
    }
    return { messages, files: await removeRedactedFiles(db, deps.files, clock.now()) };
  }

  return { sweepMailRetention };
}
