// A person's iCalendar feed: its URL carries a secret (calendar apps send no headers), stored only
// as a hash. One live feed per person: making a new one rotates it (the old URL stops), revoking
// stops it, and it stops with the account. Whoever holds the URL reads what its owner may read of
// deadlines and follow-ups, nothing more.
import type { Clock } from '../../clock.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/schema.ts';
import type { CalendarFeedsTable } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { newId } from '../../ids.ts';
import { CALENDAR_FEED_PATH, type CalendarFeedView } from '../../../shared/api/calendar.ts';
import type { Permission } from '../../../shared/domain/permissions.ts';
import type { Actor } from '../actor.ts';
import { recordAudit } from '../audit/index.ts';
import { actorForToken } from './account-actors.ts';
import {
  findLiveCalendarFeed,
  findLiveCalendarFeedByHash,
  insertCalendarFeed,
  markCalendarFeedUsed,
  revokeCalendarFeeds,
} from './credential-repository.ts';
import { newSecret, sha256 } from './secrets.ts';
import { findUserById } from './user-repository.ts';

export interface CalendarFeedDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'baseUrl' | 'requireAdminMfa'>;
}

/** What a feed's URL may read, within what its owner may read now. */
const FEED_SCOPE: readonly Permission[] = ['deadlines.read', 'learning.read'];

const USED_EVERY_MS = 60_000;

function present(row: CalendarFeedsTable | undefined): CalendarFeedView {
  const iso = (v: number | null) => (v === null ? null : new Date(v).toISOString());
  return {
    active: row !== undefined,
    createdAt: iso(row?.created_at ?? null),
    lastUsedAt: iso(row?.last_used_at ?? null),
  };
}

function ownerOf(actor: Actor): string {
  if (!actor.userId) throw new AppError('FORBIDDEN', 'Only a staff member has a calendar feed');
  return actor.userId;
}

export function createCalendarFeedService(deps: CalendarFeedDeps) {
  const { db, clock, config } = deps;
  return {
    /** Whether the caller has a live feed, since when and when a calendar last fetched it. */
    async view(actor: Actor): Promise<CalendarFeedView> {
      return present(await findLiveCalendarFeed(db, ownerOf(actor)));
    },

    /** A new feed URL, shown once; any earlier one of the caller stops working (rotation). */
    async create(actor: Actor): Promise<{ url: string; feed: CalendarFeedView }> {
      const userId = ownerOf(actor);
      const at = clock.now();
      const token = newSecret('stl_cal');
      const row: CalendarFeedsTable = {
        id: newId(),
        user_id: userId,
        token_hash: sha256(token),
        created_at: at,
        revoked_at: null,
        last_used_at: null,
      };
      await db.transaction().execute(async (tx) => {
        const rotated = await revokeCalendarFeeds(tx, userId, at);
        await insertCalendarFeed(tx, row);
        await recordAudit(tx, {
          actor,
          action: rotated > 0 ? 'calendar_feed.rotated' : 'calendar_feed.created',
          target: { type: 'user', id: userId },
          at,
        });
      });
      const url = `${config.baseUrl}${CALENDAR_FEED_PATH}?token=${encodeURIComponent(token)}`;
      return { url, feed: present(row) };
    },

    /** Stops the caller's feed; its URL answers 404 from now on. */
    async revoke(actor: Actor): Promise<CalendarFeedView> {
      const userId = ownerOf(actor);
      const at = clock.now();
      await db.transaction().execute(async (tx) => {
        const revoked = await revokeCalendarFeeds(tx, userId, at);
        if (revoked > 0)
          await recordAudit(tx, {
            actor,
            action: 'calendar_feed.revoked',
            target: { type: 'user', id: userId },
            at,
          });
      });
      return present(undefined);
    },

    /**
     * Who a feed URL reads as: its owner with their roles now (what they may see follows from
     * them), allowed only to read deadlines and follow-ups. Null for an unknown, rotated or
     * revoked secret, or an account that is no longer active.
     */
    async authenticate(token: string): Promise<Actor | null> {
      const at = clock.now();
      const row = await findLiveCalendarFeedByHash(db, sha256(token));
      if (!row) return null;
      const user = await findUserById(db, row.user_id);
      if (!user || user.status !== 'active') return null;
      if (row.last_used_at === null || at - row.last_used_at >= USED_EVERY_MS)
        await markCalendarFeedUsed(db, row.id, at);
      return actorForToken(user, FEED_SCOPE, config, {});
    },
  };
}

export type CalendarFeedService = ReturnType<typeof createCalendarFeedService>;
