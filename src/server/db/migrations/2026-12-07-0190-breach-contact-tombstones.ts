// A breach record's contact-list tombstones are kept where the other tombstones are (issue 19,
// item 5): `breach.contacts_redacted` now projects a `redactions` row (target_type
// breach_contacts, target `<breach id>:<seq>`, field = the scope), so the breach panel shows them
// after a reload. The events recorded before this are projected here; the event's id is the row's.
import type { Kysely } from 'kysely';

type Rows = Kysely<Record<string, Record<string, string | number | null>>>;

export async function up(db: Kysely<unknown>): Promise<void> {
  const d = db as Rows;
  const events = await d
    .selectFrom('events')
    .select(['id', 'stream_id', 'seq', 'at', 'actor_id', 'data_json'])
    .where('type', '=', 'breach.contacts_redacted')
    .orderBy('position')
    .execute();
  for (const e of events) {
    const data = JSON.parse(String(e.data_json)) as {
      scope: string;
      rule: string;
      reason: string;
      removedHash: string;
    };
    await d
      .insertInto('redactions')
      .values({
        id: e.id,
        stream_id: e.stream_id,
        target_type: 'breach_contacts',
        target_id: `${e.stream_id}:${Number(e.seq)}`,
        field: data.scope,
        rule: data.rule,
        reason: data.reason,
        removed_hash: data.removedHash,
        actor_id: e.actor_id,
        at: e.at,
        file_key: null,
        file_removed_at: null,
      })
      .execute();
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await (db as Rows)
    .deleteFrom('redactions')
    .where('target_type', '=', 'breach_contacts')
    .execute();
}
