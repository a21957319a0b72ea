// A published advisory as a CSAF 2.0 document of the csaf_security_advisory profile: the document
// (publisher, tracking, TLP:WHITE, the text as a note, a self reference), the product tree (each
// affected product and range, and the version that fixed it), and the vulnerability with its
// product status, a vendor fix per fixed range, the CVSS 3.1 score and references. CSAF 2.0 has
// no CVSS 4.0, and names a single CWE with its catalogue name, which Stopline does not keep: the
// CWE ids are in a note. Built from the frozen advisory, like the other exports.
import type { AffectedProduct } from '../../../shared/api/disclosure.ts';
import type { AdvisoryDocument } from './advisory-document.ts';
import { advisoryUrl, type AdvisoryPublisher } from './cve-record.ts';
import { packageName, productName } from './package-names.ts';

/** The file name CSAF 2.0 (section 5.1) gives a document: its tracking id, lower case. */
export const csafFileName = (trackingId: string) =>
  `${trackingId.toLowerCase().replace(/[^+\-a-z0-9]+/g, '_')}.json`;

interface TreeProduct {
  name: string;
  product_id: string;
  product_identification_helper?: { purl: string };
}

function rangeName(range: AffectedProduct['versions'][number]): string {
  const from = range.introduced === '0' ? '' : `>=${range.introduced} `;
  if (range.fixed !== null) return `${from}<${range.fixed}`;
  if (range.lastAffected !== null) return `${from}<=${range.lastAffected}`;
  return from.trim() || 'all versions';
}

function productTree(doc: AdvisoryDocument) {
  const products: TreeProduct[] = [];
  const affected: string[] = [];
  const fixes: { id: string; fixedIn: string; affectedId: string }[] = [];
  doc.affected.forEach((product, i) => {
    const name = productName(product);
    const helper = (version?: string) => {
      if (product.purl === null) return {};
      const bare = packageName(product.purl).purl;
      return {
        product_identification_helper: {
          purl: version ? `${bare}@${encodeURIComponent(version)}` : bare,
        },
      };
    };
    if (product.versions.length === 0) {
      const id = `CSAFPID-${i + 1}`;
      products.push({ name, product_id: id, ...helper() });
      affected.push(id);
      return;
    }
    product.versions.forEach((range, j) => {
      const id = `CSAFPID-${i + 1}-${j + 1}`;
      products.push({ name: `${name} ${rangeName(range)}`, product_id: id, ...helper() });
      affected.push(id);
      if (range.fixed !== null) {
        const fixedId = `${id}-FIXED`;
        products.push({
          name: `${name} ${range.fixed}`,
          product_id: fixedId,
          ...(range.type === 'git' ? helper() : helper(range.fixed)),
        });
        fixes.push({ id: fixedId, fixedIn: range.fixed, affectedId: id });
      }
    });
  });
  return { products, affected, fixes };
}

export function csafAdvisory(
  doc: AdvisoryDocument,
  publisher: AdvisoryPublisher,
  withdrawnAt: number | null,
): object {
  const published = new Date(doc.publishedAt).toISOString();
  const { products, affected, fixes } = productTree(doc);
  const self = advisoryUrl(publisher.baseUrl, doc.id);
  const notes = [
    { category: 'description', title: 'Details', text: doc.body.trim() || doc.title },
    ...(doc.cwes.length
      ? [{ category: 'other', title: 'Weaknesses', text: doc.cwes.join(', ') }]
      : []),
    ...(withdrawnAt !== null
      ? [
          {
            category: 'general',
            title: 'Withdrawn',
            text: `This advisory was withdrawn on ${new Date(withdrawnAt).toISOString()}.`,
          },
        ]
      : []),
  ];
  const vulnerability = {
    ...(doc.cveId ? { cve: doc.cveId } : {}),
    title: doc.title,
    release_date: published,
    notes: [{ category: 'description', title: 'Details', text: doc.body.trim() || doc.title }],
    ...(affected.length
      ? {
          product_status: {
            known_affected: affected,
            ...(fixes.length ? { fixed: fixes.map((f) => f.id) } : {}),
          },
        }
      : {}),
    ...(fixes.length
      ? {
          remediations: fixes.map((f) => ({
            category: 'vendor_fix',
            details: `Fixed in ${f.fixedIn}: upgrade.`,
            product_ids: [f.affectedId],
          })),
        }
      : {}),
    ...(doc.cvss31 && affected.length
      ? {
          scores: [
            {
              products: affected,
              cvss_v3: {
                version: '3.1',
                vectorString: doc.cvss31.vector,
                baseScore: doc.cvss31.baseScore,
                baseSeverity: doc.cvss31.rating.toUpperCase(),
              },
            },
          ],
        }
      : {}),
    ...(doc.references.length
      ? {
          references: doc.references.map((r) => ({
            category: 'external',
            summary: `${r.type} reference`,
            url: r.url,
          })),
        }
      : {}),
  };
  return {
    document: {
      category: 'csaf_security_advisory',
      csaf_version: '2.0',
      publisher: { category: 'vendor', name: publisher.name, namespace: publisher.baseUrl },
      title: doc.title,
      distribution: { tlp: { label: 'WHITE', url: 'https://www.first.org/tlp/' } },
      notes,
      references: [{ category: 'self', summary: `Advisory ${doc.id}`, url: self }],
      ...(doc.credits?.length
        ? {
            acknowledgments: doc.credits.map((c) => ({
              names: [c.name],
              summary: c.type.replace(/_/g, ' '),
              ...(c.url ? { urls: [c.url] } : {}),
            })),
          }
        : {}),
      tracking: {
        id: doc.id,
        status: 'final',
        version: '1',
        initial_release_date: published,
        current_release_date: published,
        revision_history: [{ date: published, number: '1', summary: 'Initial release.' }],
        generator: { engine: { name: 'Stopline' } },
      },
    },
    ...(products.length ? { product_tree: { full_product_names: products } } : {}),
    vulnerabilities: [vulnerability],
  };
}

/** Where the CSAF documents are: one folder per year under it, with index.txt and changes.csv. */
export const csafDirectory = (baseUrl: string) => `${baseUrl}/.well-known/csaf/white/`;

/**
 * /.well-known/csaf/provider-metadata.json. The role is csaf_publisher: the documents are
 * published with SHA-256 and SHA-512 files but not signed with OpenPGP, which a csaf_provider's
 * must be.
 */
export function csafProviderMetadata(publisher: AdvisoryPublisher, lastUpdated: number): object {
  return {
    canonical_url: `${publisher.baseUrl}/.well-known/csaf/provider-metadata.json`,
    distributions: [{ directory_url: csafDirectory(publisher.baseUrl) }],
    last_updated: new Date(lastUpdated).toISOString(),
    list_on_CSAF_aggregators: true,
    metadata_version: '2.0',
    mirror_on_CSAF_aggregators: true,
    publisher: { category: 'vendor', name: publisher.name, namespace: publisher.baseUrl },
    role: 'csaf_publisher',
  };
}
