// Human keys people can say on a call: RPT-0001, INC-2026-0001. A counter row per prefix,
// incremented atomically (upsert + RETURNING works on SQLite >= 3.35 and PostgreSQL).
import { sql } from 'kysely';
import type { Executor } from './schema.ts';

export async function nextInSequence(tx: Executor, name: string): Promise<number> {
  const row = await tx
    .insertInto('key_sequences')
    .values({ name, value: 1 })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet({ value: sql<number>`key_sequences.value + 1` }),
    )
    .returning('value')
    .executeTakeFirstOrThrow();
  return Number(row.value);
}

/** Formats `PREFIX-0001`; widens past 9999 rather than wrapping. */
export function formatKey(prefix: string, n: number): string {
  return `${prefix}-${String(n).padStart(4, '0')}`;
}

/** Allocates the next key for a prefix, e.g. allocateKey(tx, 'RPT') -> "RPT-0007". */
export async function allocateKey(tx: Executor, prefix: string): Promise<string> {
  return formatKey(prefix, await nextInSequence(tx, prefix));
}

/** INC-YYYY-NNNN: numbered per calendar year (UTC) of the given time. */
export async function allocateYearlyKey(tx: Executor, prefix: string, at: number): Promise<string> {
  return allocateKey(tx, `${prefix}-${new Date(at).getUTCFullYear()}`);
}
