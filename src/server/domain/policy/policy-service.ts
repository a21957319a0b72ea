// The policy in force and its history. The policy itself is loaded from its file at start-up;
// this service records it in the history and answers which versions have been in force.
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/schema.ts';
import { notFound } from '../../errors.ts';
import type { PolicyInForce } from './policy-loader.ts';
import {
  findPolicyVersion,
  listPolicyVersions,
  upsertPolicyVersion,
  type PolicyVersionSummaryRow,
} from './policy-repository.ts';

export interface PolicyVersionSummary {
  /** SHA-256 of the policy text: what incidents record as policy_hash. */
  hash: string;
  name: string;
  revision: string;
  /** First start-up with this version in force (epoch ms). */
  loadedAt: number;
  /** Latest start-up with this version in force (epoch ms). */
  lastLoadedAt: number;
  /** This is the version this process runs. */
  inForce: boolean;
}

export interface PolicyVersion extends PolicyVersionSummary {
  /** The policy file's text exactly as it was loaded. */
  text: string;
}

export interface PolicyService {
  /** Adds the policy in force to the history, or notes it was loaded again. Idempotent. */
  recordInForce(): Promise<PolicyVersionSummary>;
  /** The policy this process runs. */
  getInForce(): PolicyInForce;
  /** Every version that has been in force, the most recently loaded first. */
  listVersions(): Promise<PolicyVersionSummary[]>;
  /** One version with its text; NOT_FOUND when the hash was never in force. */
  getVersion(hash: string): Promise<PolicyVersion>;
}

export interface PolicyServiceDeps {
  db: Db;
  clock: Clock;
  policy: PolicyInForce;
}

export function createPolicyService({ db, clock, policy }: PolicyServiceDeps): PolicyService {
  const present = (row: PolicyVersionSummaryRow): PolicyVersionSummary => ({
    hash: row.hash,
    name: row.name,
    revision: row.revision,
    loadedAt: Number(row.loaded_at),
    lastLoadedAt: Number(row.last_loaded_at),
    inForce: row.hash === policy.hash,
  });

  return {
    async recordInForce() {
      const row = await upsertPolicyVersion(
        db,
        {
          hash: policy.hash,
          name: policy.policy.name,
          revision: policy.policy.revision,
          text: policy.text,
        },
        clock.now(),
      );
      return present(row);
    },

    getInForce: () => policy,

    async listVersions() {
      return (await listPolicyVersions(db)).map(present);
    },

    async getVersion(hash) {
      const row = await findPolicyVersion(db, hash);
      if (!row) throw notFound(`Policy version ${hash}`);
      return { ...present(row), text: row.text };
    },
  };
}
