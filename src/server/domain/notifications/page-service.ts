// Pages: every urgent notice to the people who must act is a page. Each person it reaches gets
// their own acknowledge link (the mail, the console and the API acknowledge too); left
// unacknowledged, the page climbs the policy's ladder (notices.escalation), one level every
// `after`, until someone acknowledges it. Acknowledging stops the ladder and is recorded with its
// time, in the audit trail.
import { createHash } from 'node:crypto';
import type { Clock } from '../../clock.ts';
import type { Db, Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { ackUrl, consolePath, consoleUrl } from '../../../shared/domain/console-paths.ts';
import { can, type Actor } from '../actor.ts';
import { recordAudit } from '../accounts/index.ts';
import {
  enqueueAlertEvent,
  enqueueUserNotice,
  lineAlertKey,
  pageAlertKey,
  type AlertEvent,
  type NoticeStaffMember,
} from './notice-outbox.ts';
import {
  acknowledgeRefusal,
  firstEscalationAt,
  nextLevel,
  type Page,
  type PageRecipient,
} from './page-rules.ts';
import * as pages from './page-repository.ts';
import { markExercise, mayHear, outsideMayHear, type NoticeExercises } from './exercise-gate.ts';
import { staffNoticeText, type PageLink, type StaffNotice } from './staff-notices.ts';

export interface PagesDeps {
  db: Db;
  clock: Clock;
  baseUrl: string;
  /** The policy's ladder for pages sent now (notices.escalation): frozen into each page. */
  escalation(): { after: number; levels: readonly string[] };
  /** A person's acknowledge token for a page, derived from the server key (never stored). */
  ackTokens: { tokenFor(pageId: string, userId: string): string };
  staff: { listActive(tx: Executor): Promise<NoticeStaffMember[]> };
  /** The exercise gate: a page about an exercise reaches its participants only, marked. */
  exercises: NoticeExercises;
}

/** A page as the person it reached sees it. */
export interface PageView {
  id: string;
  about: StaffNotice['about'];
  headline: string;
  lines: readonly string[];
  level: number;
  pagedAt: number;
  acknowledgedAt: number | null;
  /** Who acknowledged it (their id): the viewer themselves, or someone else it reached. */
  acknowledgedBy: string | null;
  /** The next level is paged then, unless it is acknowledged first; null: it climbs no further. */
  nextEscalationAt: number | null;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

function view(page: Page, recipient: PageRecipient): PageView {
  return {
    id: page.id,
    about: page.about,
    headline: page.headline,
    lines: page.lines,
    level: recipient.level,
    pagedAt: recipient.pagedAt,
    acknowledgedAt: page.acknowledgedAt,
    acknowledgedBy: page.acknowledgedBy,
    nextEscalationAt: page.nextEscalationAt,
  };
}

export function createPagesService(deps: PagesDeps) {
  const { db, clock } = deps;

  /** Pages these people at one level: a link each, the notice on their channels, at once. */
  async function pagePeople(
    tx: Executor,
    page: Page,
    people: readonly NoticeStaffMember[],
    level: number,
    role: string | null,
    at: number,
  ): Promise<void> {
    const exercise =
      page.about.type === 'incident' ? await deps.exercises.find(tx, page.about.key) : null;
    const notice: StaffNotice = {
      to: { userIds: people.map((p) => p.id) },
      kind: page.kind,
      urgent: true,
      about: page.about,
      headline: page.headline,
      lines: page.lines,
      idempotencyKey: `page:${page.id}:${level}`,
      at,
    };
    // People told because nobody acknowledged may not take part in a restricted incident.
    const shown = { title: level === 0 || !page.about.restricted };
    const inChannel = staffNoticeText(notice, deps.baseUrl, { title: !page.about.restricted });
    for (const person of people.filter((p) => mayHear(exercise, p.id))) {
      const token = deps.ackTokens.tokenFor(page.id, person.id);
      await pages.insertRecipient(
        tx,
        { pageId: page.id, userId: person.id, level, pagedAt: at },
        hash(token),
      );
      const ack: PageLink = {
        url: ackUrl(deps.baseUrl, token),
        level,
        role,
        afterMs: page.escalateAfterMs,
      };
      await enqueueUserNotice(tx, {
        user: { id: person.id, email: person.email },
        kind: page.kind,
        urgent: true,
        ...markExercise(exercise, staffNoticeText(notice, deps.baseUrl, shown, ack)),
        // A channel others read carries no acknowledge link: it would acknowledge as this person.
        inChannel: markExercise(exercise, { subject: inChannel.subject, text: inChannel.text }),
        idempotencyKey: `${notice.idempotencyKey}:${person.id}`,
        at,
      });
    }
  }

  /** One step of the page's alert on the paging services (PagerDuty, Opsgenie) that carry
   * page.opened; never for an exercise. Named as a channel others read names it. */
  async function alertStep(tx: Executor, page: Page, action: AlertEvent['action'], at: number) {
    const exercise =
      page.about.type === 'incident' ? await deps.exercises.find(tx, page.about.key) : null;
    if (!outsideMayHear(exercise)) return;
    const notice: StaffNotice = {
      to: { userIds: [] },
      kind: page.kind,
      urgent: true,
      about: page.about,
      headline: page.headline,
      lines: page.lines,
      idempotencyKey: page.id,
      at,
    };
    const { subject, links } = staffNoticeText(notice, deps.baseUrl, {
      title: !page.about.restricted,
    });
    const event = { action, key: pageAlertKey(page.id), summary: subject, link: links.open };
    await enqueueAlertEvent(tx, 'page.opened', event, page.id, at);
  }

  async function loadByToken(tx: Executor, token: string) {
    const recipient = await pages.findRecipientByTokenHash(tx, hash(token));
    const page = recipient ? await pages.findPage(tx, recipient.pageId) : null;
    if (!recipient || !page) throw new AppError('NOT_FOUND', 'This acknowledge link is not valid');
    return { page, recipient };
  }

  async function recordAcknowledgment(
    tx: Executor,
    page: Page,
    recipient: PageRecipient | null,
    actor: Actor,
    via: 'link' | 'console',
  ): Promise<Page> {
    const now = clock.now();
    const refusal = acknowledgeRefusal(page, recipient, via, now);
    if (refusal) throw new AppError(refusal.code, refusal.message);
    if (!(await pages.acknowledge(tx, page.id, recipient!.userId, now))) {
      throw new AppError('CONFLICT', 'This page was already acknowledged');
    }
    await alertStep(tx, page, 'acknowledge', now);
    await recordAudit(tx, {
      actor,
      action: 'page.acknowledge',
      target: { type: 'page', id: page.id },
      at: now,
      detail: { via, level: recipient!.level, secondsToAcknowledge: (now - page.createdAt) / 1000 },
    });
    return {
      ...page,
      acknowledgedAt: now,
      acknowledgedBy: recipient!.userId,
      nextEscalationAt: null,
    };
  }

  return {
    /**
     * Sends an urgent notice as a page, in the caller's transaction: the people it names are
     * paged (level 0) and, unacknowledged, it climbs the policy's ladder from `after` on. A
     * repeat with the same idempotency key pages nobody again.
     */
    async openPage(tx: Executor, notice: StaffNotice, people: readonly NoticeStaffMember[]) {
      const { after, levels } = deps.escalation();
      const page: Page = {
        id: newId(),
        kind: notice.kind,
        about: notice.about,
        headline: notice.headline,
        lines: notice.lines,
        levels,
        escalateAfterMs: after,
        level: 0,
        nextEscalationAt: firstEscalationAt(levels, after, notice.at),
        acknowledgedBy: null,
        acknowledgedAt: null,
        createdAt: notice.at,
      };
      if (!(await pages.insertPage(tx, page, `page:${notice.idempotencyKey}`))) return;
      await pagePeople(tx, page, people, 0, null, notice.at);
      await alertStep(tx, page, 'trigger', notice.at);
    },

    /**
     * Pages the next level of every page due at `now` (the scheduler's tick); answers how many
     * climbed. Each climbs in its own transaction, by compare-and-set, so instances racing for
     * one agree, and the outbox worker hears of the notices at commit.
     */
    async escalateDuePages(now: number): Promise<number> {
      let climbed = 0;
      for (const id of await pages.listDueIds(db, now, 100)) {
        const moved = await inTransaction(db, async (tx) => {
          const page = await pages.findPage(tx, id);
          if (!page) return false;
          const staff = await deps.staff.listActive(tx);
          const already = new Set((await pages.listRecipients(tx, id)).map((r) => r.userId));
          const holders = (role: string) =>
            staff.filter((u) => u.roles.includes(role) && !already.has(u.id));
          const next = nextLevel(page, now, (role) => holders(role).length === 0);
          if (!next || !(await pages.climb(tx, page, next, now))) return false;
          if (next.role === null) return false;
          await pagePeople(tx, page, holders(next.role), next.level, next.role, now);
          return true;
        });
        if (moved) climbed++;
      }
      return climbed;
    },

    /**
     * The incident reached its resolved phase (in that transaction): its alerts on the paging
     * services are resolved, each page's and the line's (an alert never triggered is ignored
     * there).
     */
    async resolveAlertsOf(tx: Executor, incident: { id: string; key: string }, at: number) {
      for (const page of await pages.listPagesAbout(tx, incident.key)) {
        await alertStep(tx, page, 'resolve', at);
      }
      const exercise = await deps.exercises.find(tx, incident.key);
      if (!outsideMayHear(exercise)) return;
      const link = consoleUrl(deps.baseUrl, consolePath.incident(incident.key));
      const event = { action: 'resolve' as const, key: lineAlertKey(incident.id), link };
      const summary = `Resolved: ${incident.key}`;
      await enqueueAlertEvent(tx, 'incident.line_stopped', { ...event, summary }, incident.id, at);
    },

    /** The page an acknowledge link is for, as its person sees it (the link's page asks to confirm). */
    async findPageByToken(token: string): Promise<PageView> {
      const { page, recipient } = await loadByToken(db, token);
      return view(page, recipient);
    },

    /** Acknowledges the page through the person's link (no sign-in: the token is theirs). */
    async acknowledgeByToken(token: string, origin: { ip?: string; userAgent?: string } = {}) {
      return inTransaction(db, async (tx) => {
        const { page, recipient } = await loadByToken(tx, token);
        const actor: Actor = {
          kind: 'user',
          userId: recipient.userId,
          roles: [],
          permissions: new Set(),
          ...origin,
        };
        return view(await recordAcknowledgment(tx, page, recipient, actor, 'link'), recipient);
      });
    },

    /** Acknowledges a page in the console or the API: only a person it reached may. */
    async acknowledgePage(actor: Actor, pageId: string): Promise<PageView> {
      if (!can(actor, 'account.manage_own') || !actor.userId) {
        throw new AppError('FORBIDDEN', 'Pages are acknowledged by the people they reach');
      }
      const userId = actor.userId;
      return inTransaction(db, async (tx) => {
        const page = await pages.findPage(tx, pageId);
        if (!page) throw new AppError('NOT_FOUND', 'Page was not found');
        const recipient =
          (await pages.listRecipients(tx, pageId)).find((r) => r.userId === userId) ?? null;
        const acked = await recordAcknowledgment(tx, page, recipient, actor, 'console');
        return view(acked, recipient!);
      });
    },

    /** The pages that reached me, newest first: what I must acknowledge, and what I did. */
    async listOwnPages(actor: Actor, limit = 50): Promise<PageView[]> {
      if (!can(actor, 'account.manage_own') || !actor.userId) {
        throw new AppError('FORBIDDEN', 'Pages belong to a person');
      }
      const userId = actor.userId;
      const found = await pages.listPagesOf(db, userId, limit);
      const out: PageView[] = [];
      for (const page of found) {
        const me = (await pages.listRecipients(db, page.id)).find((r) => r.userId === userId);
        if (me) out.push(view(page, me));
      }
      return out;
    },
  };
}

export type PagesService = ReturnType<typeof createPagesService>;
