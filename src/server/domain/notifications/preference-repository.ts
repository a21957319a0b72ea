// Kysely queries for staff notification preferences, quiet hours, Slack member ids, ntfy topics,
// phone numbers and how many browsers take Web Push.
import type { Executor } from '../../db/schema.ts';
import type { EventKind, Preferences, UserChannel } from './preference-rules.ts';

export async function findPreferences(tx: Executor, userId: string): Promise<Preferences> {
  const rows = await tx
    .selectFrom('notification_preferences')
    .select(['event_kind', 'channels_json'])
    .where('user_id', '=', userId)
    .execute();
  const quiet = await tx
    .selectFrom('notification_quiet_hours')
    .selectAll()
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const slack = await tx
    .selectFrom('notification_slack_members')
    .select('member_id')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const ntfy = await findNtfyTopic(tx, userId);
  const phone = await findPhoneNumber(tx, userId);
  const push = await tx
    .selectFrom('push_subscriptions')
    .select((eb) => eb.fn.countAll<number | string>().as('devices'))
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return {
    channels: Object.fromEntries(
      rows.map((r) => [r.event_kind as EventKind, JSON.parse(r.channels_json) as UserChannel[]]),
    ),
    quietHours: quiet
      ? {
          startMinute: Number(quiet.start_minute),
          endMinute: Number(quiet.end_minute),
          timeZone: quiet.time_zone,
        }
      : null,
    slackMemberId: slack?.member_id ?? null,
    ntfy: ntfy && { url: ntfy.url, hasToken: ntfy.sealedToken !== null },
    phone,
    pushDevices: Number(push?.devices ?? 0),
  };
}

/** A person's phone number (E.164) for the sms and voice channels, or null. */
export async function findPhoneNumber(tx: Executor, userId: string): Promise<string | null> {
  const row = await tx
    .selectFrom('notification_phone_numbers')
    .select('number')
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row?.number ?? null;
}

/** A person's ntfy topic as stored: its token still sealed. */
export interface StoredNtfyTopic {
  url: string;
  sealedToken: string | null;
}

export async function findNtfyTopic(tx: Executor, userId: string): Promise<StoredNtfyTopic | null> {
  const row = await tx
    .selectFrom('notification_ntfy_topics')
    .select(['url', 'sealed_token'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row ? { url: row.url, sealedToken: row.sealed_token } : null;
}

export async function replaceNtfyTopic(
  tx: Executor,
  userId: string,
  topic: StoredNtfyTopic | null,
  at: number,
): Promise<void> {
  await tx.deleteFrom('notification_ntfy_topics').where('user_id', '=', userId).execute();
  if (!topic) return;
  await tx
    .insertInto('notification_ntfy_topics')
    .values({ user_id: userId, url: topic.url, sealed_token: topic.sealedToken, updated_at: at })
    .execute();
}

export async function replacePreferences(
  tx: Executor,
  userId: string,
  prefs: Preferences,
  at: number,
): Promise<void> {
  await tx.deleteFrom('notification_preferences').where('user_id', '=', userId).execute();
  await tx.deleteFrom('notification_quiet_hours').where('user_id', '=', userId).execute();
  await tx.deleteFrom('notification_slack_members').where('user_id', '=', userId).execute();
  await tx.deleteFrom('notification_phone_numbers').where('user_id', '=', userId).execute();
  if (prefs.phone) {
    await tx
      .insertInto('notification_phone_numbers')
      .values({ user_id: userId, number: prefs.phone, updated_at: at })
      .execute();
  }
  if (prefs.slackMemberId !== null) {
    await tx
      .insertInto('notification_slack_members')
      .values({ user_id: userId, member_id: prefs.slackMemberId, updated_at: at })
      .execute();
  }
  const entries = Object.entries(prefs.channels);
  if (entries.length > 0) {
    await tx
      .insertInto('notification_preferences')
      .values(
        entries.map(([kind, channels]) => ({
          user_id: userId,
          event_kind: kind,
          channels_json: JSON.stringify(channels),
          updated_at: at,
        })),
      )
      .execute();
  }
  if (prefs.quietHours) {
    await tx
      .insertInto('notification_quiet_hours')
      .values({
        user_id: userId,
        start_minute: prefs.quietHours.startMinute,
        end_minute: prefs.quietHours.endMinute,
        time_zone: prefs.quietHours.timeZone,
        updated_at: at,
      })
      .execute();
  }
}
