// Kysely reads and writes of pages and the people each reached (notifications' own rows).
import type { Executor } from '../../db/schema.ts';
import type { Page, PageRecipient } from './page-rules.ts';

type PageRow = {
  id: string;
  kind: string;
  about_json: string;
  headline: string;
  lines_json: string;
  levels_json: string;
  escalate_after_ms: number | string;
  level: number | string;
  next_escalation_at: number | string | null;
  acknowledged_by: string | null;
  acknowledged_at: number | string | null;
  created_at: number | string;
};

const num = (v: number | string | null) => (v === null ? null : Number(v));

function toPage(r: PageRow): Page {
  return {
    id: r.id,
    kind: r.kind as Page['kind'],
    about: JSON.parse(r.about_json) as Page['about'],
    headline: r.headline,
    lines: JSON.parse(r.lines_json) as string[],
    levels: JSON.parse(r.levels_json) as string[],
    escalateAfterMs: Number(r.escalate_after_ms),
    level: Number(r.level),
    nextEscalationAt: num(r.next_escalation_at),
    acknowledgedBy: r.acknowledged_by,
    acknowledgedAt: num(r.acknowledged_at),
    createdAt: Number(r.created_at),
  };
}

const PAGE_COLUMNS = [
  'id',
  'kind',
  'about_json',
  'headline',
  'lines_json',
  'levels_json',
  'escalate_after_ms',
  'level',
  'next_escalation_at',
  'acknowledged_by',
  'acknowledged_at',
  'created_at',
] as const;

/** Inserts the page unless one with this idempotency key exists; true if inserted. */
export async function insertPage(
  tx: Executor,
  page: Page,
  idempotencyKey: string,
): Promise<boolean> {
  const existing = await tx
    .selectFrom('pages')
    .select('id')
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  if (existing) return false;
  await tx
    .insertInto('pages')
    .values({
      id: page.id,
      idempotency_key: idempotencyKey,
      kind: page.kind,
      about_json: JSON.stringify(page.about),
      headline: page.headline,
      lines_json: JSON.stringify(page.lines),
      levels_json: JSON.stringify(page.levels),
      escalate_after_ms: page.escalateAfterMs,
      level: page.level,
      next_escalation_at: page.nextEscalationAt,
      acknowledged_by: null,
      acknowledged_at: null,
      created_at: page.createdAt,
      updated_at: page.createdAt,
    })
    .execute();
  return true;
}

export async function insertRecipient(
  tx: Executor,
  r: PageRecipient,
  tokenHash: string,
): Promise<void> {
  await tx
    .insertInto('page_recipients')
    .values({
      page_id: r.pageId,
      user_id: r.userId,
      level: r.level,
      token_hash: tokenHash,
      paged_at: r.pagedAt,
    })
    .execute();
}

export async function findPage(tx: Executor, id: string): Promise<Page | null> {
  const row = await tx
    .selectFrom('pages')
    .select(PAGE_COLUMNS)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toPage(row) : null;
}

function toRecipient(r: {
  page_id: string;
  user_id: string;
  level: number | string;
  paged_at: number | string;
}): PageRecipient {
  return {
    pageId: r.page_id,
    userId: r.user_id,
    level: Number(r.level),
    pagedAt: Number(r.paged_at),
  };
}

export async function findRecipientByTokenHash(
  tx: Executor,
  tokenHash: string,
): Promise<PageRecipient | null> {
  const row = await tx
    .selectFrom('page_recipients')
    .select(['page_id', 'user_id', 'level', 'paged_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
  return row ? toRecipient(row) : null;
}

export async function listRecipients(tx: Executor, pageId: string): Promise<PageRecipient[]> {
  const rows = await tx
    .selectFrom('page_recipients')
    .select(['page_id', 'user_id', 'level', 'paged_at'])
    .where('page_id', '=', pageId)
    .orderBy('level')
    .orderBy('user_id')
    .execute();
  return rows.map(toRecipient);
}

/** Pages whose next level is due at `now`, oldest first. */
export async function listDueIds(tx: Executor, now: number, limit: number): Promise<string[]> {
  const rows = await tx
    .selectFrom('pages')
    .select('id')
    .where('next_escalation_at', '<=', now)
    .where('acknowledged_at', 'is', null)
    .orderBy('next_escalation_at')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** The pages about an incident (by its key), oldest first. */
export async function listPagesAbout(tx: Executor, incidentKey: string): Promise<Page[]> {
  const rows = await tx
    .selectFrom('pages')
    .select(PAGE_COLUMNS)
    .where('about_json', 'like', `%${incidentKey.replace(/[%_\\]/g, '')}%`)
    .orderBy('created_at')
    .execute();
  return rows.map(toPage).filter((p) => p.about.type === 'incident' && p.about.key === incidentKey);
}

/** Pages a person was paged for, newest first (open ones and the last acknowledged). */
export async function listPagesOf(tx: Executor, userId: string, limit: number): Promise<Page[]> {
  const rows = await tx
    .selectFrom('pages')
    .innerJoin('page_recipients', 'page_recipients.page_id', 'pages.id')
    .select(PAGE_COLUMNS.map((c) => `pages.${c}` as const))
    .where('page_recipients.user_id', '=', userId)
    .orderBy('pages.created_at', 'desc')
    .orderBy('pages.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toPage);
}

/**
 * Moves the page from the level read to the next one, if nobody acknowledged it or moved it
 * meanwhile (compare-and-set: instances racing for it agree); true if this call moved it.
 */
export async function climb(
  tx: Executor,
  page: Page,
  next: { level: number; nextAt: number | null },
  now: number,
): Promise<boolean> {
  const result = await tx
    .updateTable('pages')
    .set({ level: next.level, next_escalation_at: next.nextAt, updated_at: now })
    .where('id', '=', page.id)
    .where('level', '=', page.level)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Records the acknowledgment if none was recorded yet; true if this call recorded it. */
export async function acknowledge(
  tx: Executor,
  pageId: string,
  userId: string,
  at: number,
): Promise<boolean> {
  const result = await tx
    .updateTable('pages')
    .set({ acknowledged_by: userId, acknowledged_at: at, next_escalation_at: null, updated_at: at })
    .where('id', '=', pageId)
    .where('acknowledged_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
