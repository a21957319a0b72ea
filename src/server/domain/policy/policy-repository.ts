// Queries for the policy history (table policy_versions) and nothing else.
import { sql } from 'kysely';
import type { Executor, PolicyVersionsTable } from '../../db/schema.ts';

export type PolicyVersionRow = PolicyVersionsTable;
export type PolicyVersionSummaryRow = Omit<PolicyVersionRow, 'text'>;

const SUMMARY_COLUMNS = ['hash', 'name', 'revision', 'loaded_at', 'last_loaded_at'] as const;

/**
 * Records that a policy text is in force at `at`: inserts it the first time it is seen,
 * otherwise moves last_loaded_at forward (never back). One statement, so two instances starting
 * together cannot both insert: the loser of the race updates instead.
 */
export async function upsertPolicyVersion(
  ex: Executor,
  version: Omit<PolicyVersionRow, 'loaded_at' | 'last_loaded_at'>,
  at: number,
): Promise<PolicyVersionSummaryRow> {
  return ex
    .insertInto('policy_versions')
    .values({ ...version, loaded_at: at, last_loaded_at: at })
    .onConflict((oc) =>
      oc.column('hash').doUpdateSet({
        last_loaded_at: sql<number>`case when excluded.last_loaded_at > policy_versions.last_loaded_at then excluded.last_loaded_at else policy_versions.last_loaded_at end`,
      }),
    )
    .returning(SUMMARY_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Every version, the most recently loaded first. */
export async function listPolicyVersions(ex: Executor): Promise<PolicyVersionSummaryRow[]> {
  return ex
    .selectFrom('policy_versions')
    .select(SUMMARY_COLUMNS)
    .orderBy('last_loaded_at', 'desc')
    .orderBy('loaded_at', 'desc')
    .orderBy('hash')
    .execute();
}

export async function findPolicyVersion(
  ex: Executor,
  hash: string,
): Promise<PolicyVersionRow | undefined> {
  return ex
    .selectFrom('policy_versions')
    .select([...SUMMARY_COLUMNS, 'text'])
    .where('hash', '=', hash)
    .executeTakeFirst();
}
