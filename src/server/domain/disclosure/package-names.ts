// What a package URL (purl) says in the words of each export: its name, the OSV ecosystem, the
// CVE Record's package collection. Only purl types with a known home are mapped; the others are
// named by vendor and product (CVE, CSAF) and left out of OSV, which describes packages only.
import { PackageURL } from 'packageurl-js';
import type { AffectedProduct } from '../../../shared/api/disclosure.ts';

/** purl type → OSV ecosystem and the CVE Record's collectionURL. */
const HOMES: Record<string, { ecosystem: string; collectionURL: string }> = {
  npm: { ecosystem: 'npm', collectionURL: 'https://registry.npmjs.org' },
  pypi: { ecosystem: 'PyPI', collectionURL: 'https://pypi.python.org' },
  maven: { ecosystem: 'Maven', collectionURL: 'https://repo.maven.apache.org/maven2' },
  golang: { ecosystem: 'Go', collectionURL: 'https://golang.org/pkg' },
  cargo: { ecosystem: 'crates.io', collectionURL: 'https://crates.io' },
  gem: { ecosystem: 'RubyGems', collectionURL: 'https://rubygems.org' },
  nuget: { ecosystem: 'NuGet', collectionURL: 'https://nuget.org/packages' },
  composer: { ecosystem: 'Packagist', collectionURL: 'https://packagist.org' },
  hex: { ecosystem: 'Hex', collectionURL: 'https://repo.hex.pm' },
  pub: { ecosystem: 'Pub', collectionURL: 'https://pub.dev' },
  hackage: { ecosystem: 'Hackage', collectionURL: 'https://hackage.haskell.org' },
  cran: { ecosystem: 'CRAN', collectionURL: 'https://cran.r-project.org' },
};

export interface PackageName {
  /** The package's name in its ecosystem: Maven's group:artifact, npm's @scope/name. */
  name: string;
  /** The purl without version, qualifiers or subpath. */
  purl: string;
  type: string;
  namespace: string | null;
  home: { ecosystem: string; collectionURL: string } | null;
}

export function packageName(purl: string): PackageName {
  const parsed = PackageURL.fromString(purl);
  const namespace = parsed.namespace ?? null;
  const name =
    namespace === null
      ? parsed.name
      : parsed.type === 'maven'
        ? `${namespace}:${parsed.name}`
        : `${namespace}/${parsed.name}`;
  const bare = new PackageURL(parsed.type, namespace ?? undefined, parsed.name).toString();
  return { name, purl: bare, type: parsed.type, namespace, home: HOMES[parsed.type] ?? null };
}

/** A product's name for people: the package's, or the vendor's product. */
export function productName(product: AffectedProduct): string {
  if (product.purl !== null) return packageName(product.purl).name;
  return `${product.vendor ?? ''} ${product.product ?? ''}`.trim();
}
