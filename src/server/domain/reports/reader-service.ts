// The reports' reads that need nothing but the database and name no one: keys, links, verified
// flags and the credit list. The reports module offers them; `stopline deadlines` builds this
// reader alone on the database it opens.
import type { Db, Executor } from '../../db/schema.ts';
import {
  findReportKeys,
  findReportLinks,
  findVerifiedReportIds,
  listCreditedReporters,
} from './report-repository.ts';

export function createReportsReader({ db }: { db: Db }) {
  return {
    /** Each report's key and the incident it is linked to (or null), by id. */
    findLinks: (ids: readonly string[], executor: Executor = db) => findReportLinks(executor, ids),
    /** The keys (RPT-0042) of these reports, by id, for links. */
    findKeys: (ids: readonly string[], executor: Executor = db) => findReportKeys(executor, ids),
    /** Of these reports, those whose reporter's identity is verified on the report. */
    findVerifiedIds: (ids: readonly string[], executor: Executor = db) =>
      findVerifiedReportIds(executor, ids),
    /** Names of reporters who agreed to be credited, once their report is fixed. */
    listAcknowledgments: () => listCreditedReporters(db),
  };
}

export type ReportsReader = ReturnType<typeof createReportsReader>;
