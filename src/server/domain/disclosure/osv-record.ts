// A published advisory as an OSV record (OSV schema 1.7): the affected packages by ecosystem with
// SEMVER or ECOSYSTEM ranges, aliases (the CVE id), severity (CVSS vectors), references and the
// CWE ids. OSV describes packages: a product named by vendor and product, a purl type without an
// OSV ecosystem, or a range of git commits (OSV needs the repository) is not in it. The id is
// `x_` and the key, OSV's prefix for a database not registered with it.
import type { ReferenceType } from '../../../shared/domain/disclosure.ts';
import type { AdvisoryDocument } from './advisory-document.ts';
import { advisoryUrl, type AdvisoryPublisher } from './cve-record.ts';
import { packageName } from './package-names.ts';

export const OSV_SCHEMA_VERSION = '1.7.0';

const OSV_REFERENCE: Record<ReferenceType, string> = {
  advisory: 'ADVISORY',
  article: 'ARTICLE',
  report: 'REPORT',
  fix: 'FIX',
  package: 'PACKAGE',
  evidence: 'EVIDENCE',
  web: 'WEB',
};

export function osvRecord(
  doc: AdvisoryDocument,
  publisher: AdvisoryPublisher,
  withdrawnAt: number | null,
): object {
  const affected = doc.affected.flatMap((product) => {
    if (product.purl === null) return [];
    const pkg = packageName(product.purl);
    if (!pkg.home) return [];
    const ranges = product.versions
      .filter((r) => r.type !== 'git')
      .map((r) => ({
        type: r.type === 'semver' ? 'SEMVER' : 'ECOSYSTEM',
        events: [
          { introduced: r.introduced },
          ...(r.fixed !== null ? [{ fixed: r.fixed }] : []),
          ...(r.lastAffected !== null ? [{ last_affected: r.lastAffected }] : []),
        ],
      }));
    return [
      {
        package: { ecosystem: pkg.home.ecosystem, name: pkg.name, purl: pkg.purl },
        ...(ranges.length ? { ranges } : {}),
      },
    ];
  });
  const severity = [
    ...(doc.cvss31 ? [{ type: 'CVSS_V3', score: doc.cvss31.vector }] : []),
    ...(doc.cvss40 ? [{ type: 'CVSS_V4', score: doc.cvss40.vector }] : []),
  ];
  return {
    schema_version: OSV_SCHEMA_VERSION,
    id: `x_${doc.id}`,
    modified: new Date(withdrawnAt ?? doc.publishedAt).toISOString(),
    published: new Date(doc.publishedAt).toISOString(),
    ...(withdrawnAt !== null ? { withdrawn: new Date(withdrawnAt).toISOString() } : {}),
    ...(doc.cveId ? { aliases: [doc.cveId] } : {}),
    summary: doc.title,
    details: doc.body,
    ...(severity.length ? { severity } : {}),
    affected,
    references: [
      { type: 'ADVISORY', url: advisoryUrl(publisher.baseUrl, doc.id) },
      ...doc.references.map((r) => ({ type: OSV_REFERENCE[r.type], url: r.url })),
    ],
    ...(doc.credits?.length
      ? {
          credits: doc.credits.map((c) => ({
            name: c.name,
            ...(c.url ? { contact: [c.url] } : {}),
            type: c.type.toUpperCase(),
          })),
        }
      : {}),
    ...(doc.cwes.length ? { database_specific: { cwe_ids: doc.cwes } } : {}),
  };
}
