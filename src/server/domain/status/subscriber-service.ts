// Subscribers of the public status page, one transaction each. An address subscribes (double
// opt-in: it gets the confirmation link and nothing else until the link is used), chooses the
// components it follows through its manage link, and leaves with one click; every update
// published on the page then reaches the confirmed subscribers it concerns, through the
// notifications subject (the one writer of the outbox), in the publishing transaction.
import { randomBytes } from 'node:crypto';
import { hitRateLimit, rateLimitKeyForAddress } from '../../db/rate-limit.ts';
import type { Executor } from '../../db/schema.ts';
import { inTransaction } from '../../db/transaction.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import type { StatusModulePorts } from './publishing.ts';
import { readSubscriberCsv, writeSubscriberCsv } from './subscriber-csv.ts';
import * as repo from './status-repository.ts';
import { sha256 } from './subscriber-notices.ts';
import * as subscribers from './subscriber-repository.ts';
import type { StatusSubscriber } from './subscriber-repository.ts';
import * as rules from './subscriber-rules.ts';

export type { StatusSubscriber };

/** What an import did: how many addresses were added, and the lines whose address was there. */
export interface SubscriberImport {
  imported: number;
  /** Lines whose address already subscribed: left as they are. */
  existing: { line: number; email: string }[];
  /** Whether the imported addresses were asked to confirm (false: confirmed elsewhere). */
  confirmationSent: boolean;
}

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A subscriber as their own manage page shows them. */
export interface OwnSubscription {
  subscriber: StatusSubscriber;
}

function tooMany(windowMs: number, now: number) {
  return new AppError('RATE_LIMITED', 'Too many subscription requests; please try again later', {
    retryAfterSeconds: Math.ceil((windowMs - (now % windowMs)) / 1000),
  });
}

function unknownLink(): AppError {
  return new AppError(
    'NOT_FOUND',
    'This link is not valid: it may have been used already, have expired, or the subscription ended',
  );
}

export function createSubscriberService(ports: StatusModulePorts) {
  const { db, clock } = ports;
  const tokenHashOf = (id: string) => sha256(ports.subscriberTokens.tokenFor(id));

  async function countAttempt(tx: Executor, bucket: string, windowMs: number, limit: number) {
    const now = clock.now();
    if ((await hitRateLimit(tx, { bucket, windowMs, now })) > limit) throw tooMany(windowMs, now);
  }

  async function byToken(ex: Executor, token: string): Promise<StatusSubscriber> {
    const found = await subscribers.findSubscriberByToken(ex, sha256(token));
    if (!found) throw unknownLink();
    return found;
  }

  /** A new subscriber at `email`: pending with a confirmation link e-mailed, or confirmed. */
  async function addSubscriber(
    tx: Executor,
    input: { email: string; componentIds: string[] | null; confirmed: boolean },
  ): Promise<void> {
    const now = clock.now();
    const id = newId();
    const confirmToken = randomBytes(32).toString('base64url');
    const expiresAt = now + rules.CONFIRM_WITHIN_MS;
    await subscribers.insertPendingSubscriber(tx, {
      id,
      email: input.email,
      emailKey: rules.addressKey(input.email),
      componentIds: input.componentIds,
      tokenHash: tokenHashOf(id),
      confirmHash: sha256(confirmToken),
      confirmExpiresAt: expiresAt,
      now,
    });
    if (input.confirmed) {
      await subscribers.markConfirmed(tx, id, now);
      return;
    }
    await ports.notices.confirmSubscription(tx, {
      pageName: ports.pageName,
      subscriberId: id,
      address: input.email,
      confirmToken,
      expiresAt,
      at: now,
    });
  }

  return {
    /**
     * Someone asks for the page's notices at `email`. A new or still pending address gets a
     * (new) confirmation link; a confirmed one gets nothing, and the answer is the same either
     * way, so nobody learns who subscribed. Limited per sender address and per e-mail address.
     */
    async subscribe(input: { email: string; components: string[]; ip: string }): Promise<void> {
      await inTransaction(db, async (tx) => {
        const now = clock.now();
        const email = input.email.trim();
        const emailKey = rules.addressKey(email);
        await countAttempt(
          tx,
          `status-subscribe:${rateLimitKeyForAddress(input.ip)}`,
          HOUR,
          rules.SUBSCRIBE_PER_IP_PER_HOUR,
        );
        const catalogue = await repo.loadCatalogue(tx);
        const componentIds = rules.chooseComponents(catalogue.components, input.components);
        await countAttempt(
          tx,
          `status-subscribe-address:${sha256(emailKey)}`,
          DAY,
          rules.SUBSCRIBE_PER_ADDRESS_PER_DAY,
        );
        const existing = await subscribers.findSubscriberByAddress(tx, emailKey);
        if (existing?.confirmedAt != null) return;
        if (!existing) {
          await addSubscriber(tx, { email, componentIds, confirmed: false });
          return;
        }
        const confirmToken = randomBytes(32).toString('base64url');
        const expiresAt = now + rules.CONFIRM_WITHIN_MS;
        await subscribers.renewConfirmation(tx, existing.id, {
          componentIds,
          confirmHash: sha256(confirmToken),
          expiresAt,
          now,
        });
        await ports.notices.confirmSubscription(tx, {
          pageName: ports.pageName,
          subscriberId: existing.id,
          address: email,
          confirmToken,
          expiresAt,
          at: now,
        });
      });
    },

    /** The pending subscription a confirmation link is for (NOT_FOUND once used or expired). */
    async findPendingSubscription(confirmToken: string): Promise<StatusSubscriber> {
      const found = await subscribers.findPendingByConfirmToken(
        db,
        sha256(confirmToken),
        clock.now(),
      );
      if (!found) throw unknownLink();
      return found;
    },

    /** Uses a confirmation link, once; answers the subscriber's manage token. */
    async confirmSubscription(
      confirmToken: string,
    ): Promise<{ subscriber: StatusSubscriber; token: string }> {
      return inTransaction(db, async (tx) => {
        const now = clock.now();
        const found = await subscribers.findPendingByConfirmToken(tx, sha256(confirmToken), now);
        if (!found || !(await subscribers.markConfirmed(tx, found.id, now))) throw unknownLink();
        return {
          subscriber: { ...found, confirmedAt: now, updatedAt: now },
          token: ports.subscriberTokens.tokenFor(found.id),
        };
      });
    },

    /** The subscription a manage or unsubscribe link is for. */
    findOwnSubscription: (token: string): Promise<StatusSubscriber> => byToken(db, token),

    /** The subscriber chooses the components they follow (none: every one). */
    async chooseFollowedComponents(token: string, components: string[]): Promise<StatusSubscriber> {
      return inTransaction(db, async (tx) => {
        const found = await byToken(tx, token);
        const catalogue = await repo.loadCatalogue(tx);
        const componentIds = rules.chooseComponents(catalogue.components, components);
        const now = clock.now();
        await subscribers.setFollowedComponents(tx, found.id, componentIds, now);
        return { ...found, componentIds, updatedAt: now };
      });
    },

    /** One-click unsubscribe: the address is forgotten. */
    async unsubscribe(token: string): Promise<void> {
      await inTransaction(db, async (tx) => {
        const found = await byToken(tx, token);
        await subscribers.deleteSubscriber(tx, found.id);
      });
    },

    /** Staff (status.manage): every subscriber, pending ones included, newest first. */
    listSubscribers: () => subscribers.listSubscribers(db, { confirmedOnly: false }),

    /**
     * Staff (status.manage): subscribers from a CSV file, all or nothing (a 400 names each line
     * that cannot be imported). An address already subscribed is left as it is. Each new one is
     * asked to confirm (double opt-in: the confirmation is all it gets until it does), unless
     * `confirmed` says they confirmed elsewhere (another status page). Audited.
     */
    async importSubscribers(
      actor: Actor,
      file: Uint8Array,
      opts: { confirmed: boolean },
    ): Promise<SubscriberImport> {
      return inTransaction(db, async (tx) => {
        const catalogue = await repo.loadCatalogue(tx);
        const rows = readSubscriberCsv(file, catalogue.components);
        const existing: SubscriberImport['existing'] = [];
        for (const row of rows) {
          if (await subscribers.findSubscriberByAddress(tx, rules.addressKey(row.email))) {
            existing.push({ line: row.line, email: row.email });
            continue;
          }
          await addSubscriber(tx, { ...row, confirmed: opts.confirmed });
        }
        const imported = rows.length - existing.length;
        await recordAudit(tx, {
          actor,
          action: 'status_subscribers.import',
          at: clock.now(),
          detail: { imported, existing: existing.length, confirmed: opts.confirmed },
        });
        return { imported, existing, confirmationSent: !opts.confirmed };
      });
    },

    /** Staff (status.manage): every subscriber as CSV, formula-safe. Audited. */
    async exportSubscribers(actor: Actor): Promise<string> {
      return inTransaction(db, async (tx) => {
        const [all, catalogue] = await Promise.all([
          subscribers.listSubscribers(tx, { confirmedOnly: false }),
          repo.loadCatalogue(tx),
        ]);
        await recordAudit(tx, {
          actor,
          action: 'status_subscribers.export',
          at: clock.now(),
          detail: { subscribers: all.length },
        });
        return writeSubscriberCsv(all, catalogue.components);
      });
    },

    /** Staff (status.manage): removes a subscriber. */
    async removeSubscriber(id: string): Promise<void> {
      if (!(await subscribers.deleteSubscriber(db, id))) {
        throw new AppError('NOT_FOUND', 'Subscriber was not found');
      }
    },
  };
}
