// Anchoring the record: `stopline verify` recomputes each chain, but cannot see a chain removed
// whole (a stream's events and its head deleted together) or an audit trail cut short with its
// head moved back. An anchor is the list of every chain head at one moment, signed with a key
// derived from the server key; kept somewhere the database's administrators cannot write, it
// lets `stopline verify --anchor FILE` prove that every anchored chain is still there and that
// the database only extended it since.
import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from './hash-chain.ts';
import type { Db, Executor } from './schema.ts';

const CONTEXT = 'stopline chain anchor v1';

export const ChainAnchor = z.object({
  format: z.literal('stopline-anchor'),
  formatVersion: z.literal(1),
  createdAt: z.string(),
  streams: z.array(z.object({ id: z.string(), version: z.number(), head: z.string() })),
  audit: z.object({ seq: z.number(), head: z.string() }),
  signature: z.string(),
});
export type ChainAnchor = z.infer<typeof ChainAnchor>;

export interface AnchorBreak {
  what: string;
  reason: string;
}

function sign(key: string | Buffer, anchor: Omit<ChainAnchor, 'signature'>): string {
  const derived = Buffer.from(hkdfSync('sha256', key, 'stopline', CONTEXT, 32));
  return createHmac('sha256', derived).update(canonicalJson(anchor)).digest('hex');
}

/** Every stream's version and head and the audit trail's, as `executor` sees them. */
export async function readChainHeads(
  executor: Executor,
): Promise<Omit<ChainAnchor, 'format' | 'formatVersion' | 'createdAt' | 'signature'>> {
  const streams = await executor
    .selectFrom('streams')
    .select(['id', 'version', 'head_hash'])
    .orderBy('id')
    .execute();
  const audit = await executor
    .selectFrom('audit_head')
    .select(['seq', 'head_hash'])
    .where('id', '=', 1)
    .executeTakeFirst();
  return {
    streams: streams.map((s) => ({ id: s.id, version: Number(s.version), head: s.head_hash })),
    audit: { seq: Number(audit?.seq ?? 0), head: audit?.head_hash ?? '' },
  };
}

/** Every stream head and the audit head now, signed with the server key. */
export async function makeAnchor(db: Db, key: string | Buffer, now: number): Promise<ChainAnchor> {
  // One read transaction, so the heads are those of one moment.
  const heads = await db.transaction().execute(readChainHeads);
  const body = {
    format: 'stopline-anchor' as const,
    formatVersion: 1 as const,
    createdAt: new Date(now).toISOString(),
    ...heads,
  };
  return { ...body, signature: sign(key, body) };
}

/** Reads an anchor file's text; null when it is not one. */
export function parseAnchor(text: string): ChainAnchor | null {
  try {
    const parsed = ChainAnchor.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function anchorSignatureMatches(anchor: ChainAnchor, key: string | Buffer): boolean {
  const { signature, ...body } = anchor;
  const expected = Buffer.from(sign(key, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Checks that every chain the anchor names is still in the database with the anchored entry at
 * the anchored position (so the chain since is an extension of it). The chains themselves are
 * recomputed by verifyEventLog and verifyAuditLog.
 */
export async function checkAgainstAnchor(db: Db, anchor: ChainAnchor): Promise<AnchorBreak[]> {
  const breaks: AnchorBreak[] = [];
  const BATCH = 500;
  for (let i = 0; i < anchor.streams.length; i += BATCH) {
    const batch = anchor.streams.slice(i, i + BATCH);
    const ids = batch.map((s) => s.id);
    const heads = new Map(
      (
        await db.selectFrom('streams').select(['id', 'version']).where('id', 'in', ids).execute()
      ).map((s) => [s.id, Number(s.version)]),
    );
    for (const stream of batch) {
      const version = heads.get(stream.id);
      if (version === undefined) {
        breaks.push({
          what: `stream ${stream.id}`,
          reason: `is missing: it had ${stream.version} event(s) at the anchor (deleted whole)`,
        });
        continue;
      }
      if (stream.version === 0) continue;
      const event = await db
        .selectFrom('events')
        .select('hash')
        .where('stream_id', '=', stream.id)
        .where('seq', '=', stream.version)
        .executeTakeFirst();
      if (!event)
        breaks.push({
          what: `stream ${stream.id}`,
          reason: `event #${stream.version}, its last at the anchor, is missing (cut short; the head says ${version})`,
        });
      else if (event.hash !== stream.head)
        breaks.push({
          what: `stream ${stream.id}`,
          reason: `event #${stream.version} is not the one anchored (rewritten)`,
        });
    }
  }
  if (anchor.audit.seq > 0) {
    const entry = await db
      .selectFrom('audit_log')
      .select('hash')
      .where('seq', '=', anchor.audit.seq)
      .executeTakeFirst();
    if (!entry)
      breaks.push({
        what: 'audit trail',
        reason: `entry #${anchor.audit.seq}, its last at the anchor, is missing (cut short)`,
      });
    else if (entry.hash !== anchor.audit.head)
      breaks.push({
        what: 'audit trail',
        reason: `entry #${anchor.audit.seq} is not the one anchored (rewritten)`,
      });
  }
  return breaks;
}
