// Breach notice use cases, one transaction each: drafts written from the record, edited and
// approved by the legal role; the contact list of the people affected imported as CSV (personal
// data: every read is on the audit trail, only breach.read sees it, the retention rule deletes it);
// an approved notice to the people affected sent in one batch through notifications, with each
// person's delivery status. Nothing is sent before its approval and its stage's determination.
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import { csvTable } from '../csv.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { systemActor, type Actor, requirePermission } from '../actor.ts';
import { recordAudit, recordPersonalDataRead } from '../audit/index.ts';
import type { Policy } from '../policy/index.ts';
import { appendToBreach } from './breach-projection.ts';
import type { BreachState } from './breach-state.ts';
import { findBreachById } from './breach-repository.ts';
import { readContactCsv, type ContactImport } from './contact-import.ts';
import * as contacts from './contact-repository.ts';
import * as rules from './notice-rules.ts';

const DAY_MS = 86_400_000;

/** What the notice use cases need of notifications: e-mail to the people affected, its status. */
export interface BreachMail {
  /** Nothing goes out when the incident is an exercise (the notifications' gate decides). */
  tellAffectedPeople(
    tx: Executor,
    incidentId: string,
    notices: readonly { address: string; subject: string; text: string; idempotencyKey: string }[],
    at: number,
  ): Promise<void>;
  findDeliveries(
    executor: Executor,
    keys: readonly string[],
  ): Promise<
    ReadonlyMap<
      string,
      { status: string; attempts: number; lastError: string | null; deliveredAt: number | null }
    >
  >;
  /** The retention rule: delivered or dead e-mails with these keys lose address and text. */
  forgetDeliveries(executor: Executor, keys: readonly string[]): Promise<number>;
  /** Erasure: the e-mails with these keys are emptied, and one not sent yet never goes. */
  forgetMessages(executor: Executor, keys: readonly string[]): Promise<number>;
}

/** The breach service's own steps the notice use cases share. */
export interface NoticeSteps<V> {
  load(
    executor: Executor,
    actor: Actor,
    ref: string,
  ): Promise<{
    incident: { id: string; key: string };
    state: BreachState;
  }>;
  view(actor: Actor, incidentKey: string, state: BreachState): V;
  syncDeadlines(tx: Executor, state: BreachState, now: number): Promise<void>;
}

export interface NoticeDeps {
  db: Db;
  clock: Clock;
  policy: () => Policy;
  mail: BreachMail;
  /** HMAC-SHA256 under the server key of removed personal data (a tombstone's removedHash). */
  redactionHash: (removed: unknown) => string;
}

export interface Delivery {
  line: number;
  name: string;
  email: string;
  /** not_sent: the notice has not gone to this list; otherwise the outbox's status. */
  status: string;
  attempts: number;
  lastError: string | null;
  deliveredAt: number | null;
}

const deliveryKey = (noticeId: string, contactId: string) =>
  `breach_notice:${noticeId}:${contactId}`;

const hashOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function createNoticeUseCases<V>(deps: NoticeDeps, steps: NoticeSteps<V>) {
  const { db, clock } = deps;
  const breachPolicy = () => deps.policy().breach;

  /** The tombstone of people removed from the list: how many and why, never who. */
  const tombstone = (
    scope: 'list' | 'contact',
    people: readonly contacts.Contact[],
    rule: 'retention' | 'request',
    reason: string,
  ) => ({
    type: 'breach.contacts_redacted' as const,
    data: {
      scope,
      count: people.length,
      rule,
      reason,
      removedHash: deps.redactionHash(
        people.map((p) => ({ line: p.line, name: p.name, email: p.email, fields: p.fields })),
      ),
    },
  });

  /** Loads, lets the rule decide, records, and answers the record as this actor sees it. */
  function change(
    actor: Actor,
    ref: string,
    decide: (
      state: BreachState,
      key: string,
      now: number,
      tx: Executor,
    ) => Promise<{
      events: ReturnType<typeof rules.draftNotice>;
      after?: (tx: Executor, state: BreachState) => Promise<void>;
    }>,
  ): Promise<V> {
    requirePermission(actor, 'breach.manage');
    return inTransaction(db, async (tx) => {
      const { incident, state } = await steps.load(tx, actor, ref);
      const now = clock.now();
      const { events, after } = await decide(state, incident.key, now, tx);
      const next = await appendToBreach(tx, state.id, state, events, actor.userId, now);
      await after?.(tx, next);
      return steps.view(actor, incident.key, next);
    });
  }

  /** The people on the record's list; the read is on the audit trail (personal data). */
  async function readPeople(tx: Executor, actor: Actor, ref: string) {
    const { state } = await steps.load(tx, actor, ref);
    const people = await contacts.listContacts(tx, state.id);
    await recordPersonalDataRead(tx, {
      actor,
      at: clock.now(),
      subject: { type: 'breach', id: state.id },
      fields: ['contacts'],
    });
    return { state, people };
  }

  return {
    /** A new draft for a stage, written from the record's fields for its audience. */
    draftNotice: (actor: Actor, ref: string, input: { regimeId: string; stageId: string }) =>
      change(actor, ref, async (state, key) => ({
        events: rules.draftNotice(state, breachPolicy(), input, key, newId()),
      })),

    editNotice: (actor: Actor, ref: string, id: string, input: { subject: string; text: string }) =>
      change(actor, ref, async (state) => ({ events: rules.editNotice(state, id, input) })),

    /** The legal role approves: the subject and text are frozen, their SHA-256 kept. */
    approveNotice: (actor: Actor, ref: string, id: string) =>
      change(actor, ref, async (state) => {
        const n = rules.findNotice(state, id);
        return { events: rules.approveNotice(state, id, hashOf(`${n.subject}\n\n${n.text}`)) };
      }),

    /**
     * Sends an approved notice to everyone on the imported list, one e-mail each through the
     * notifications outbox ({name} in the text becomes each person's name), and records the
     * batch as the stage's submission (so its deadline is met, or late with its reasons).
     */
    sendNotice: (actor: Actor, ref: string, id: string, input: { delayReasons: string }) =>
      change(actor, ref, async (state, _key, now, tx) => {
        const people = await contacts.listContacts(tx, state.id);
        const events = rules.sendNotice(
          state,
          breachPolicy(),
          id,
          people.length,
          input.delayReasons,
          now,
        );
        const notice = rules.findNotice(state, id);
        return {
          events,
          after: async (tx2, next) => {
            await deps.mail.tellAffectedPeople(
              tx2,
              state.incidentId,
              people.map((p) => ({
                address: p.email,
                subject: notice.subject,
                text: notice.text.replaceAll('{name}', p.name === '' ? 'Sir or Madam' : p.name),
                idempotencyKey: deliveryKey(id, p.id),
              })),
              now,
            );
            await steps.syncDeadlines(tx2, next, now);
          },
        };
      }),

    /**
     * Imports the people affected from a CSV file (replacing the list). Answers what was kept,
     * each refused line with its reason, and the lines whose bytes were not UTF-8.
     */
    async importContacts(
      actor: Actor,
      ref: string,
      bytes: Uint8Array,
    ): Promise<Omit<ContactImport, 'contacts'> & { imported: number }> {
      requirePermission(actor, 'breach.manage');
      const read = readContactCsv(bytes);
      if (!read.header.some((h) => ['email', 'e-mail'].includes(h.toLowerCase()))) {
        throw new AppError('VALIDATION', 'file has no email column', {
          errors: [{ field: 'file', message: 'needs a header line with an email column' }],
        });
      }
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      await inTransaction(db, async (tx) => {
        const { state } = await steps.load(tx, actor, ref);
        if (state.status === 'closed') {
          throw new AppError('RULE_REFUSED', 'The breach record is closed; reopen it first');
        }
        const now = clock.now();
        await contacts.replaceContacts(tx, state.id, read.contacts, actor.userId, now);
        const events = [
          {
            type: 'breach.contacts_imported' as const,
            data: { count: read.contacts.length, sha256 },
          },
        ];
        await appendToBreach(tx, state.id, state, events, actor.userId, now);
      });
      const { contacts: kept, ...rest } = read;
      return { ...rest, imported: kept.length };
    },

    /** The people affected, with each one's delivery of a notice; every read is audited. */
    async listDeliveries(actor: Actor, ref: string, noticeId: string | null): Promise<Delivery[]> {
      requirePermission(actor, 'breach.read');
      return inTransaction(db, async (tx) => {
        const { state, people } = await readPeople(tx, actor, ref);
        if (noticeId !== null) rules.findNotice(state, noticeId);
        const sent =
          noticeId === null
            ? new Map()
            : await deps.mail.findDeliveries(
                tx,
                people.map((p) => deliveryKey(noticeId, p.id)),
              );
        return people.map((p) => {
          const d = noticeId === null ? undefined : sent.get(deliveryKey(noticeId, p.id));
          return {
            line: p.line,
            name: p.name,
            email: p.email,
            status: d?.status ?? 'not_sent',
            attempts: d?.attempts ?? 0,
            lastError: d?.lastError ?? null,
            deliveredAt: d?.deliveredAt ?? null,
          };
        });
      });
    },

    /** The list as CSV, every cell inert for spreadsheets; the read is audited. */
    async exportContacts(actor: Actor, ref: string): Promise<string> {
      requirePermission(actor, 'breach.read');
      return inTransaction(db, async (tx) => {
        const { people } = await readPeople(tx, actor, ref);
        const extra = [...new Set(people.flatMap((p) => Object.keys(p.fields)))];
        return csvTable(
          ['line', 'name', 'email', ...extra],
          people.map((p) => [p.line, p.name, p.email, ...extra.map((h) => p.fields[h] ?? '')]),
        );
      });
    },

    /**
     * Erasure on request (GDPR): one address leaves the list at once (every line with it), its
     * e-mails are emptied and one not sent yet never goes; the record keeps a tombstone
     * (`breach.contacts_redacted`, the reason) and the audit trail the admin and the reason.
     */
    async eraseContact(
      actor: Actor,
      ref: string,
      input: { email: string; reason: string },
    ): Promise<{ count: number; at: number }> {
      requirePermission(actor, 'data.erase', 'Erasing personal data');
      const now = clock.now();
      const address = input.email.trim().toLowerCase();
      const count = await inTransaction(db, async (tx) => {
        const { state } = await steps.load(tx, actor, ref);
        const people = (await contacts.listContacts(tx, state.id)).filter(
          (p) => p.email.trim().toLowerCase() === address,
        );
        if (people.length === 0)
          throw new AppError('NOT_FOUND', 'No one with this address is on the contact list', {
            errors: [{ field: 'email', message: 'is not on the contact list' }],
          });
        await deps.mail.forgetMessages(
          tx,
          state.notices.flatMap((n) => people.map((p) => deliveryKey(n.id, p.id))),
        );
        await contacts.deleteContactsById(
          tx,
          state.id,
          people.map((p) => p.id),
        );
        await appendToBreach(
          tx,
          state.id,
          state,
          [tombstone('contact', people, 'request', input.reason)],
          actor.userId,
          now,
        );
        await recordAudit(tx, {
          actor,
          action: 'breach.contact_erased',
          target: { type: 'breach', id: state.id },
          at: now,
          detail: { count: people.length, reason: input.reason },
        });
        return people.length;
      });
      return { count, at: now };
    },

    /**
     * The retention rule (housekeeping): a contact list is deleted once the policy's days have
     * passed since its last notice went out, or since the record was closed or found not to be
     * a breach. Each deletion is on the audit trail. Answers how many people were removed.
     */
    async sweepContacts(): Promise<number> {
      const now = clock.now();
      const keepFor = breachPolicy().contactListRetentionDays * DAY_MS;
      let removed = 0;
      for (const r of await contacts.listRecordsWithContacts(db)) {
        const ended = r.status === 'closed' || r.status === 'not_a_breach' ? r.updatedAt : 0;
        const since = Math.max(r.lastSentAt, ended);
        if (since === 0 || now - since < keepFor) continue;
        removed += await inTransaction(db, async (tx) => {
          // Their addresses and names in the e-mails already delivered or given up go too.
          const people = await contacts.listContacts(tx, r.id);
          await deps.mail.forgetDeliveries(
            tx,
            r.noticeIds.flatMap((n) => people.map((p) => deliveryKey(n, p.id))),
          );
          const count = await contacts.deleteContacts(tx, r.id);
          const state = await findBreachById(tx, r.id);
          if (state) {
            const days = breachPolicy().contactListRetentionDays;
            await appendToBreach(
              tx,
              state.id,
              state,
              [
                tombstone(
                  'list',
                  people,
                  'retention',
                  `retention: ${days} days after the last notice`,
                ),
              ],
              null,
              now,
            );
          }
          await recordAudit(tx, {
            actor: systemActor,
            action: 'breach.contacts_removed',
            target: { type: 'breach', id: r.id },
            at: now,
            detail: { count, rule: `${breachPolicy().contactListRetentionDays} days` },
          });
          return count;
        });
      }
      return removed;
    },
  };
}
