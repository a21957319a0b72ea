// Every alert payload as it arrived: its bytes (as text when they are UTF-8, base64 otherwise)
// and their SHA-256, written before anything parses them, so a parser bug or a hostile payload
// loses nothing that was sent. The source's key, where the payload carries it (PagerDuty's
// routing_key), is masked with as many "*" before it is stored and hashed: no key is kept in
// clear. Append-only: nothing here is ever changed.
import { createHash } from 'node:crypto';
import type { Executor } from '../../db/schema.ts';

export interface StoredPayload {
  id: string;
  sha256: string;
  /** The body as text (invalid UTF-8 replaced), for the parser. */
  text: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export async function storePayload(
  ex: Executor,
  input: {
    id: string;
    sourceId: string;
    raw: Buffer;
    mask: string;
    contentType: string | null;
    at: number;
  },
): Promise<StoredPayload> {
  const raw = maskKey(input.raw, input.mask);
  const sha256 = createHash('sha256').update(raw).digest('hex');
  let encoding = 'utf8';
  let body: string;
  try {
    body = strictUtf8.decode(raw);
  } catch {
    encoding = 'base64';
    body = raw.toString('base64');
  }
  // PostgreSQL text holds no NUL: such a body is kept as base64.
  if (encoding === 'utf8' && body.includes('\u0000')) {
    encoding = 'base64';
    body = raw.toString('base64');
  }
  await ex
    .insertInto('alert_payloads')
    .values({
      id: input.id,
      source_id: input.sourceId,
      received_at: input.at,
      sha256,
      size: raw.length,
      content_type: input.contentType?.slice(0, 200) ?? null,
      encoding,
      body,
    })
    .execute();
  // The parser reads the bytes as sent (the key included).
  return { id: input.id, sha256, text: input.raw.toString('utf8') };
}

function maskKey(raw: Buffer, key: string): Buffer {
  const needle = Buffer.from(key);
  if (needle.length < 8 || raw.indexOf(needle) < 0) return raw;
  const out = Buffer.from(raw);
  for (let i = out.indexOf(needle); i >= 0; i = out.indexOf(needle, i + needle.length)) {
    out.fill('*', i, i + needle.length);
  }
  return out;
}

export interface PayloadRecord {
  id: string;
  sourceId: string;
  receivedAt: number;
  sha256: string;
  size: number;
  contentType: string | null;
  /** The bytes as received. */
  raw: Buffer;
}

export async function findPayload(ex: Executor, id: string): Promise<PayloadRecord | null> {
  const r = await ex
    .selectFrom('alert_payloads')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: r.id,
    sourceId: r.source_id,
    receivedAt: Number(r.received_at),
    sha256: r.sha256,
    size: Number(r.size),
    contentType: r.content_type,
    raw: r.encoding === 'base64' ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8'),
  };
}
