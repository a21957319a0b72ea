// A published security advisory's entry on the public status page (issue 16, item 2): a public
// incident of impact `none`, resolved as it opens, naming the advisory and linking to it. It is
// made in the transaction that publishes the advisory (at the disclosure date by the scheduler,
// or when the embargo is broken), so it exists exactly when the advisory does: never before its
// date, and once (a second instance's publication is a conflict and rolls back with it). Its id
// follows from the vulnerability's, so it is found again when the advisory is withdrawn.
import { statusMessages, type AdvisoryMessages } from '../../../shared/domain/status-messages.ts';
import type { StatusLanguage } from '../../../shared/domain/status.ts';
import type { Executor } from '../../db/schema.ts';
import { derivedId, newId } from '../../ids.ts';
import { appendToPublicIncident } from './status-projection.ts';
import * as repo from './status-repository.ts';
import * as rules from './status-rules.ts';
import { tellSubscribers, type StatusNotices } from './subscriber-notices.ts';

/** A published advisory as its status-page entry names it (all of it public by then). */
export interface AdvisoryEntry {
  vulnerabilityId: string;
  /** The advisory's id, VULN-…. */
  key: string;
  title: string;
  cveId: string | null;
  /** The advisory page's address, absolute. */
  url: string;
}

export interface AdvisoryEntryPorts {
  pageName: string;
  /** The status page's language (STOPLINE_STATUS_LANGUAGE): the entry's words are its. */
  language: StatusLanguage;
  notices: StatusNotices;
  subscriberTokens: { tokenFor(subscriberId: string): string };
}

/** The public incident that is the advisory's entry. */
export const advisoryEntryId = (vulnerabilityId: string) =>
  derivedId(`status-advisory-entry:${vulnerabilityId}`);

const NAME_MAX = 200;

function entryName(words: AdvisoryMessages, entry: AdvisoryEntry): string {
  const name = words.name(entry.key, entry.title);
  return name.length <= NAME_MAX ? name : `${name.slice(0, NAME_MAX - 1)}…`;
}

/** The status page's side of publishing an advisory, in the publisher's transaction. */
export function createAdvisoryEntries(ports: AdvisoryEntryPorts) {
  // The page's words (name, text, the withdrawn mark), recorded as written in its language; the
  // text is Markdown with only the key, the CVE id and the link (no title to render).
  const words = statusMessages(ports.language).advisory;
  return {
    /** Opens the advisory's entry (resolved, impact none) and tells the page's subscribers. */
    async announceAdvisory(tx: Executor, entry: AdvisoryEntry, now: number): Promise<void> {
      const id = advisoryEntryId(entry.vulnerabilityId);
      if (await repo.findPublicIncident(tx, id)) return;
      const [catalogue, others] = await Promise.all([
        repo.loadCatalogue(tx),
        repo.listUnresolvedComponentStatuses(tx),
      ]);
      const opening: rules.NewPublicIncident = {
        name: entryName(words, entry),
        impact: 'none',
        status: 'resolved',
        body: words.body(entry.key, entry.cveId, entry.url),
        displayAt: null,
        components: [],
        startedAt: null,
      };
      const events = rules.openPublicIncident(catalogue, others, opening, newId(), now);
      const state = await appendToPublicIncident(tx, id, null, events, null, now);
      await tellSubscribers(tx, ports, state, now);
    },

    /** The advisory was withdrawn: its entry's name says so (nothing when it has no entry). */
    async withdrawAdvisory(tx: Executor, vulnerabilityId: string, now: number): Promise<void> {
      const state = await repo.findPublicIncident(tx, advisoryEntryId(vulnerabilityId));
      if (!state || state.name.startsWith(words.withdrawnPrefix)) return;
      const name = `${words.withdrawnPrefix}${state.name}`.slice(0, NAME_MAX);
      const events = rules.changePublicIncident(state, { name });
      await appendToPublicIncident(tx, state.id, state, events, null, now);
    },
  };
}

export type AdvisoryEntries = ReturnType<typeof createAdvisoryEntries>;
