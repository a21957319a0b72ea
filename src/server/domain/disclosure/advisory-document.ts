// The advisory as the public reads it, frozen from the vulnerability at its release: the document
// and the SHA-256 of its canonical JSON bytes (RFC 8785) are recorded on the published event, under
// the hash chain, so what was published is what the record says it was. Later changes to the
// vulnerability stay internal; the frozen advisory does not move.
import { createHash } from 'node:crypto';
import type { AffectedProduct, Credit, Reference } from '../../../shared/api/disclosure.ts';
import { canonicalJson } from '../../db/hash-chain.ts';
import type { CvssScore } from './cvss-score.ts';

export interface AdvisoryDocument {
  /** The vulnerability's key (VULN-2026-0001): /advisories/{id}. */
  id: string;
  title: string;
  cveId: string | null;
  /** Markdown: the advisory written in Stopline, or the description when none was written. */
  body: string;
  affected: AffectedProduct[];
  cwes: string[];
  cvss31: CvssScore | null;
  cvss40: CvssScore | null;
  references: Reference[];
  /** The reporters as they chose to be credited (a name, or Anonymous), then the team's credits. */
  credits: Credit[];
  /** Epoch milliseconds. */
  publishedAt: number;
}

export interface FrozenAdvisory {
  document: AdvisoryDocument;
  /** Hex SHA-256 of advisoryBytes(document). */
  sha256: string;
}

/** The bytes published at /advisories/{id}.json: the document's canonical JSON. */
export const advisoryBytes = (document: AdvisoryDocument): string => canonicalJson(document);

export function freezeAdvisory(
  key: string,
  content: Omit<AdvisoryDocument, 'id' | 'body' | 'publishedAt' | 'credits'> & {
    description: string;
    advisory: string;
    credits?: Credit[];
  },
  publishedAt: number,
  reporters: readonly Credit[],
): FrozenAdvisory {
  const document: AdvisoryDocument = {
    id: key,
    title: content.title,
    cveId: content.cveId,
    body: content.advisory.trim() === '' ? content.description : content.advisory,
    affected: content.affected,
    cwes: content.cwes,
    cvss31: content.cvss31,
    cvss40: content.cvss40,
    references: content.references,
    credits: [...reporters, ...(content.credits ?? [])],
    publishedAt,
  };
  const sha256 = createHash('sha256').update(advisoryBytes(document), 'utf8').digest('hex');
  return { document, sha256 };
}
